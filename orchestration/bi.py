"""Apache Superset over the marts (`make bi`, `make bi-stop`): its own virtualenv, metadata and logins, started on
127.0.0.1, reading the warehouse as a BI login.

Superset's pins clash with Dagster's, so it lives in .superset/venv, installed once (`make run` never needs it).
Its metadata is SQLite in .superset/home; the secret key, the admin password and the warehouse login's password are
generated at first start into .superset/secrets.env (mode 0600, git-ignored). The warehouse connection logs in as
`analytics_superset`, a member of analytics_bi_reader (the marts and public views of every tenant, nothing else);
a second connection logs in as `analytics_superset_tenant`, a tenant login mapped to one tenant, for the tenant pages:
what a dashboard may read is decided by the database, not by Superset. Dashboards live in bi/bundle as Superset's YAML
(the BI login's connection at its top, the tenant login's in tenant/ while a domain with a tenant page is on, each
domain's datasets, charts and dashboards in the domain's folder, imported only while the domain is on) and are imported
on every `make bi`, overwriting what the UI changed (edit in the UI, export, commit the YAML).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .local_http import answers, wait_for
from .preflight import enabled_domains
from .project import PROJECT_ROOT
from .security import add_bi_login, add_tenant_login
from .warehouse import ConnectionSettings, WarehouseError

SUPERSET_VERSION = "6.1.0"
# Beyond Superset's own requirements: flask-caching 2.5 breaks its start (apache/superset#43860), its CLI imports rich
# and its PostgreSQL engine cachetools without declaring them, and no PostgreSQL driver comes with it.
SUPERSET_PACKAGES = (f"apache-superset=={SUPERSET_VERSION}", "flask-caching==2.4.1", "rich", "cachetools",
                     "psycopg2-binary")
BI_ROOT = PROJECT_ROOT / ".superset"
VENV = BI_ROOT / "venv"
# An instance's state (its metadata, secrets, pid and log): .superset, or $TA_BI_HOME (the tests' own instance).
STATE = Path(os.environ.get("TA_BI_HOME") or BI_ROOT)
HOME = STATE / "home"
SECRETS = STATE / "secrets.env"
PID_FILE = STATE / "gunicorn.pid"
LOG_FILE = STATE / "superset.log"
BUNDLE = PROJECT_ROOT / "bi" / "bundle"
CONFIG = PROJECT_ROOT / "bi" / "superset_config.py"
DEFAULT_PORT = 8088
BI_LOGIN = "analytics_superset"
TENANT_LOGIN = "analytics_superset_tenant"
# The domains with a tenant page, and how each picks the tenant it shows by default (the most active one lately).
TENANT_PAGES = {
    "tryon": "select tenant_id from public.tenant_tryon_overview_v order by jobs_last_7d desc, total_jobs desc, tenant_id",
    "events": "select tenant_id from public.analytics_kpi_cards "
              "order by active_users_30d desc, api_requests_30d desc, tenant_id",
}
ADMIN = "admin"


def port() -> int:
    return int(os.environ.get("TA_BI_PORT", DEFAULT_PORT))


def url() -> str:
    return f"http://127.0.0.1:{port()}"


def install(log=print) -> Path:
    """Superset in its own virtualenv, once; returns its `superset` executable."""
    marker = VENV / ".installed"
    if not marker.exists():
        log(f"installing Apache Superset {SUPERSET_VERSION} into {VENV.relative_to(PROJECT_ROOT)} (once; about 5 "
            "minutes and 800 MB) ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-qq", "--upgrade", "pip"], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-qq", *SUPERSET_PACKAGES], check=True)
        marker.touch()
    return VENV / "bin" / "superset"


def read_secrets() -> dict[str, str]:
    """The generated secrets (created at the first call, mode 0600)."""
    STATE.mkdir(parents=True, exist_ok=True)
    if not SECRETS.exists():
        values = {"SUPERSET_SECRET_KEY": secrets.token_urlsafe(48), "TA_BI_ADMIN_PASSWORD": secrets.token_urlsafe(18),
                  "TA_BI_LOGIN_PASSWORD": secrets.token_urlsafe(24),
                  "TA_BI_TENANT_PASSWORD": secrets.token_urlsafe(24)}
        descriptor = os.open(SECRETS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in values.items())
    return dict(line.strip().split("=", 1) for line in SECRETS.read_text(encoding="utf-8").splitlines() if "=" in line)


def environment() -> dict[str, str]:
    HOME.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "SUPERSET_CONFIG_PATH": str(CONFIG), "SUPERSET_HOME": str(HOME), "FLASK_APP": "superset",
            "SUPERSET_SECRET_KEY": read_secrets()["SUPERSET_SECRET_KEY"]}


def superset(*args: str) -> None:
    """One Superset CLI command; its output goes to .superset/superset.log, a failure is one line naming it."""
    STATE.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("a", encoding="utf-8") as log:
        done = subprocess.run([str(VENV / "bin" / "superset"), *args], env=environment(), stdout=log,
                              stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise WarehouseError(f"superset {args[0]} failed (exit {done.returncode}); see {LOG_FILE}")


def bi_tenant(settings: ConnectionSettings, domain: str) -> str:
    """The tenant the tenant pages show: $TA_BI_TENANT, else the most active one in `domain` (TENANT_PAGES)."""
    if os.environ.get("TA_BI_TENANT"):
        return os.environ["TA_BI_TENANT"]
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(TENANT_PAGES[domain] + " limit 1")
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        raise WarehouseError(f"no tenant to show on the tenant pages: the {domain} marts hold no tenant yet")
    return str(row[0])


def add_bi_tenant_login(settings: ConnectionSettings, tenant: str, password: str) -> None:
    """The tenant pages' login: a tenant login mapped to `tenant` alone (another tenant it showed before is unmapped)."""
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", (TENANT_LOGIN,))
            if cur.fetchone():
                cur.execute("delete from analytics_security.tenant_logins where login = %s::regrole "
                            "and tenant_id <> %s", (TENANT_LOGIN, tenant))
    finally:
        conn.close()
    add_tenant_login(settings, TENANT_LOGIN, tenant, password)


def render_bundle(settings: ConnectionSettings, target: Path, domains: tuple[str, ...]) -> Path:
    """One import folder: bi/bundle's top (metadata, the BI login's connection) and the folders of `domains`, with
    the connections filled in ({{ warehouse_uri }}, {{ tenant_warehouse_uri }} in databases/*.yaml)."""
    values = read_secrets()
    address = f"{settings.host}:{settings.port}/{settings.database}"
    uris = {"{{ warehouse_uri }}": f"postgresql+psycopg2://{BI_LOGIN}:{values['TA_BI_LOGIN_PASSWORD']}@{address}",
            "{{ tenant_warehouse_uri }}":
                f"postgresql+psycopg2://{TENANT_LOGIN}:{values['TA_BI_TENANT_PASSWORD']}@{address}"}
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLE / "metadata.yaml", target / "metadata.yaml")
    shutil.copytree(BUNDLE / "databases", target / "databases", dirs_exist_ok=True)
    if set(domains) & set(TENANT_PAGES):
        shutil.copytree(BUNDLE / "tenant", target, dirs_exist_ok=True)
    for domain in domains:
        if (BUNDLE / domain).is_dir():
            shutil.copytree(BUNDLE / domain, target, dirs_exist_ok=True)
    for path in (target / "databases").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for placeholder, uri in uris.items():
            text = text.replace(placeholder, uri)
        path.write_text(text, encoding="utf-8")
    return target


def is_running() -> bool:
    return answers(f"{url()}/health")


def start(settings: ConnectionSettings, log=print) -> str:
    """Install (once), initialize, import the dashboards and start Superset; returns its URL."""
    install(log)
    values = read_secrets()
    if not (HOME / "superset.db").exists() or not (HOME / ".initialized").exists():
        log("initializing Superset's metadata (SQLite) and its admin login ...")
        superset("db", "upgrade")
        superset("fab", "create-admin", "--username", ADMIN, "--firstname", "Analytics", "--lastname", "Admin",
                 "--email", "admin@localhost", "--password", values["TA_BI_ADMIN_PASSWORD"])
        superset("init")
        (HOME / ".initialized").touch()
    add_bi_login(settings, BI_LOGIN, values["TA_BI_LOGIN_PASSWORD"])
    domains = enabled_domains()
    with_tenant_page = [domain for domain in TENANT_PAGES if domain in domains]
    if with_tenant_page:
        tenant = bi_tenant(settings, with_tenant_page[0])
        add_bi_tenant_login(settings, tenant, values["TA_BI_TENANT_PASSWORD"])
        log(f"tenant pages show tenant {tenant} (login {TENANT_LOGIN}; another one: TA_BI_TENANT=<tenant id>)")
    with tempfile.TemporaryDirectory() as folder:
        superset("import-directory", "--overwrite", str(render_bundle(settings, Path(folder) / "bundle", domains)))
    log(f"dashboards imported from {BUNDLE.relative_to(PROJECT_ROOT)} ({', '.join(domains)})")
    if not is_running():
        with LOG_FILE.open("a", encoding="utf-8") as handle:
            subprocess.run([str(VENV / "bin" / "gunicorn"), "--workers", "1", "--worker-class", "gthread",
                            "--threads", "8", "--bind", f"127.0.0.1:{port()}", "--timeout", "120", "--pid",
                            str(PID_FILE), "--daemon", "superset.app:create_app()"],
                           env=environment(), stdout=handle, stderr=subprocess.STDOUT, check=True)
        failure = wait_for(f"{url()}/health", 120)
        if failure:
            raise WarehouseError(f"Superset: {failure}; see {LOG_FILE}")
    return url()


def stop() -> bool:
    """Stop Superset; False when it was not running."""
    if not PID_FILE.exists():
        return False
    try:
        os.kill(int(PID_FILE.read_text().strip()), signal.SIGTERM)
    except (ProcessLookupError, ValueError):
        PID_FILE.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + 30
    while PID_FILE.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    return True
