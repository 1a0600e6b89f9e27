"""Open every Superset dashboard in headless Chromium as the admin, wait for its charts, screenshot it, and report
each chart's data as Superset's REST API returns it (run with Superset's own Python: it has selenium and requests).

    .superset/venv/bin/python bi/check_dashboards.py URL ADMIN_PASSWORD OUT_DIR

Prints one JSON document: per dashboard its slug, screenshot path, the chart errors shown on the page, how many charts
show an applied dashboard filter, and per chart its name and the rows of its query (POST /api/v1/chart/data, the chart's own saved parameters).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def api_session(url: str, password: str) -> requests.Session:
    session = requests.Session()
    token = session.post(f"{url}/api/v1/security/login", json={
        "username": "admin", "password": password, "provider": "db", "refresh": False}, timeout=30)
    token.raise_for_status()
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return session


def chart_query(params: dict) -> dict:
    """Superset's query for a chart, from its saved parameters (imported charts carry no saved query context)."""
    if params.get("query_mode") == "raw":
        return {"columns": params["all_columns"], "row_limit": params.get("row_limit", 10000), "filters": [],
                "orderby": [json.loads(o) for o in params.get("order_by_cols", [])]}
    metrics = params.get("metrics") or ([params["metric"]] if params.get("metric") else [])
    query = {"metrics": metrics, "columns": list(params.get("groupby") or []),
             "row_limit": params.get("row_limit", 10000), "filters": []}
    if params.get("x_axis"):
        query["columns"].insert(0, {"columnType": "BASE_AXIS", "sqlExpression": params["x_axis"], "expressionType": "SQL",
                                    "label": params["x_axis"], "timeGrain": params.get("time_grain_sqla", "P1D")})
        query["orderby"] = [[{"expressionType": "SQL", "sqlExpression": params["x_axis"]}, True]]
    elif params.get("timeseries_limit_metric"):
        query["orderby"] = [[params["timeseries_limit_metric"], not params.get("order_desc", True)]]
    return query


def chart_rows(session: requests.Session, url: str, params: dict) -> list[dict]:
    """The chart's data over all days (no dashboard filter): POST /api/v1/chart/data with its own parameters (its
    form data, as the dashboard's chart list returns it)."""
    body = {"datasource": {"id": int(params["datasource"].split("__")[0]), "type": "table"},
            "queries": [chart_query(params)], "result_format": "json", "result_type": "full"}
    response = session.post(f"{url}/api/v1/chart/data", json=body, timeout=60)
    response.raise_for_status()
    return response.json()["result"][0]["data"]


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1700",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def log_in(driver: webdriver.Chrome, url: str, password: str) -> None:
    driver.get(f"{url}/login/")
    deadline = time.monotonic() + 60
    while not driver.find_elements(By.CSS_SELECTOR, "[data-test=login-button], input#password, input[name=password]"):
        if time.monotonic() > deadline:
            raise SystemExit("the login page did not load")
        time.sleep(0.5)
    driver.find_element(By.CSS_SELECTOR, "input#username, input[name=username]").send_keys("admin")
    driver.find_element(By.CSS_SELECTOR, "input#password, input[name=password]").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "[data-test=login-button], button[type=submit], input[type=submit]").click()
    deadline = time.monotonic() + 60
    while "/login" in driver.current_url:
        if time.monotonic() > deadline:
            raise SystemExit("the login did not go through")
        time.sleep(0.5)


def open_dashboard(driver: webdriver.Chrome, url: str, slug: str, png: Path, charts: int) -> tuple[list[str], int]:
    """The dashboard in report mode, once every chart holder has stopped loading; returns the error texts shown and
    how many charts show an applied dashboard filter (the funnel on a chart's header)."""
    driver.get(f"{url}/superset/dashboard/{slug}/?standalone=3")
    deadline = time.monotonic() + 120
    while True:
        holders = driver.find_elements(By.CSS_SELECTOR, ".chart-container, .dashboard-chart")
        loading = driver.find_elements(By.CSS_SELECTOR, ".loading, [data-test=loading-indicator]")
        if len(holders) >= charts and not loading:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    time.sleep(2)  # the charts' last animation frames
    driver.save_screenshot(str(png))
    errors = driver.find_elements(By.CSS_SELECTOR, ".alert-danger, [data-test=error-tooltip], .ant-alert-error")
    shown = [error.text for error in errors if error.text.strip()]
    # An empty chart is a failure too: the dashboard's filters (its default days) left it without rows.
    page = driver.find_element(By.TAG_NAME, "body").text
    shown += ["empty chart: " + line for line in page.splitlines() if "No results were returned" in line]
    return shown, len(driver.find_elements(By.CSS_SELECTOR, "[data-test=applied-filter-count]"))


def main(url: str, password: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    session = api_session(url, password)
    dashboards = session.get(f"{url}/api/v1/dashboard/", timeout=30).json()["result"]
    driver = browser()
    report = []
    try:
        log_in(driver, url, password)
        for dashboard in dashboards:
            charts = session.get(f"{url}/api/v1/dashboard/{dashboard['id']}/charts", timeout=30).json()["result"]
            png = out / f"superset-{dashboard['slug']}.png"
            errors, filtered = open_dashboard(driver, url, dashboard["slug"], png, len(charts))
            report.append({"slug": dashboard["slug"], "title": dashboard["dashboard_title"], "screenshot": str(png),
                           "errors": errors, "filtered_charts": filtered,
                           "charts": [{"name": c["slice_name"], "rows": chart_rows(session, url, c["form_data"])}
                                      for c in charts]})
    finally:
        driver.quit()
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:4])
