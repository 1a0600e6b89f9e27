"""Spec 002 (product events): every metric equal to an independent Python computation over the raw rows, after a
first build, after realistic changes run incrementally (late events, re-deliveries, a new day), and after the raw
events of old days are purged (the spec keeps daily usage indefinitely, raw events 90 days: the marts keep those days,
through an incremental run and a --full-refresh alike)."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import ANCHOR, AS_OF, PROJECT_ROOT, RAW_ENV, Dbt, domain_env, execute, fetch, fresh_database

from orchestration.sample_data import EVENTS, SampleSpec, load_sample_data, redelivered_events_sql
from orchestration.security import grant_raw_read

SCHEMA = "raw_events"
EVENTS_ONLY = ("events",)
SPEC = SampleSpec(seed=5, tenants=20, events=40_000, days=40, anchor=ANCHOR)
SOURCES = {"app", "api", "webhook", "job", "payments", "files", "builder", "agent"}
# The quota metrics (spec 002 "Default Quotas") and the events that feed them: the project's documented mapping
# (README, "Product events"), restated here rather than read from the seed.
QUOTA_EVENTS = {"api_requests_daily": {"apikey.request"}, "builds_daily": {"builder.generate.started"},
                "emails_daily": {"email.sent", "email.failed"},
                "webhooks_daily": {"webhook.delivered", "webhook.failed"}}
GIB = 1024 ** 3
# The first build's reference time: six hours into the sample's last day, so "today" holds events.
BUILT_AS_OF = (ANCHOR - dt.timedelta(hours=18)).isoformat()


@pytest.fixture(scope="module")
def events_db(warehouse):
    settings = fresh_database(warehouse, "events_check")
    load_sample_data(settings, SCHEMA, SPEC, force=True, log=lambda _m: None, domain=EVENTS)
    grant_raw_read(settings, SCHEMA)
    dbt = Dbt(settings, EVENTS_ONLY)  # a database laid out for spec 002 alone
    dbt("seed", "--select", "tag:events")
    dbt("build", "--select", "tag:events", "--full-refresh", as_of=BUILT_AS_OF)
    return settings, dbt


def normalised(name: str) -> str:
    return re.sub(r"\s+", "_", re.sub(r"\s*\.\s*", ".", name.strip().lower()))


def kept_events(settings) -> list[dict]:
    """The events staging keeps, computed here: an id, a tenant and a finite time; one per id; names normalised."""
    rows = fetch(settings, f"""
        select id, tenant_id, user_id, source, event, ts, props, isfinite(ts) as finite
        from {SCHEMA}.analytics_events""")
    kept = {}
    for row in rows:
        if row["id"] is None or row["tenant_id"] is None or row["ts"] is None or not row["finite"]:
            continue
        kept.setdefault(row["id"], row)
    for row in kept.values():
        row["metric"] = normalised(row["event"])
        row["day"] = row["ts"].astimezone(dt.timezone.utc).date()
    return list(kept.values())


def reference_daily_usage(events: list[dict]) -> dict:
    usage: dict = Counter()
    storage: dict = defaultdict(float)
    for e in events:
        usage[(e["tenant_id"], e["day"], e["metric"])] += 1
        for metric, names in QUOTA_EVENTS.items():
            if e["metric"] in names:
                usage[(e["tenant_id"], e["day"], metric)] += 1
        if e["metric"] == "files.uploaded":
            props = e["props"] if isinstance(e["props"], dict) else {}
            size = props.get("size_bytes")
            storage[(e["tenant_id"], e["day"])] += size if isinstance(size, (int, float)) else 0
    for (tenant, day), total in storage.items():
        usage[(tenant, day, "storage_gb")] = math.ceil(total / GIB)
    return dict(usage)


def mart_daily_usage(settings) -> dict:
    return {(r["tenant_id"], r["date"], r["metric"]): r["count"]
            for r in fetch(settings, "select tenant_id, date, metric, count from marts.analytics_daily_usage")}


SOURCES = {"app", "api", "webhook", "job", "payments", "files", "builder", "agent"}  # spec 002's eight


def reference_by_source(events: list[dict]) -> dict:
    """(tenant, day, event, source) -> events; a source outside the spec's eight is `unknown`."""
    counts: dict = Counter()
    for e in events:
        source = (e["source"] or "").strip().lower()
        counts[(e["tenant_id"], e["day"], e["metric"], source if source in SOURCES else "unknown")] += 1
    return dict(counts)


def mart_by_source(settings) -> dict:
    return {(r["tenant_id"], r["date"], r["event"], r["source"]): r["count"] for r in fetch(
        settings, "select tenant_id, date, event, source, count from marts.analytics_events_daily_by_source")}


def test_daily_usage_equals_the_raw_events(events_db):
    settings, _ = events_db
    events = kept_events(settings)
    assert mart_daily_usage(settings) == reference_daily_usage(events)
    assert mart_by_source(settings) == reference_by_source(events)


def test_kpis_and_cards_equal_the_raw_events(events_db):
    settings, _ = events_db
    events = kept_events(settings)
    today = dt.datetime.fromisoformat(BUILT_AS_OF).date()
    expected: dict = {}
    for (tenant, day, metric), count in reference_daily_usage(events).items():
        age = (today - day).days
        if 0 <= age < 30:
            row = expected.setdefault((tenant, metric), [0, 0, 0])
            for i, days in enumerate((1, 7, 30)):
                row[i] += count if age < days else 0
    expected = {key: tuple(row) for key, row in expected.items()}
    kpis = {(r["tenant_id"], r["metric"]): (r["today"], r["week"], r["month"])
            for r in fetch(settings, "select * from marts.analytics_usage_kpis")}
    assert kpis == expected

    cards = {r["tenant_id"]: r for r in fetch(settings, "select * from marts.analytics_kpi_cards")}
    tenants = {e["tenant_id"] for e in events}
    assert set(cards) == tenants
    for tenant in tenants:
        recent = [e for e in events if e["tenant_id"] == tenant and 0 <= (today - e["day"]).days < 30]
        card = cards[tenant]
        assert card["signups_30d"] == sum(e["metric"] == "auth.user.registered" for e in recent)
        assert card["completed_builds_30d"] == sum(e["metric"] == "builder.generate.completed" for e in recent)
        assert card["api_requests_30d"] == sum(e["metric"] == "apikey.request" for e in recent)
        assert card["active_users_30d"] == len({e["user_id"] for e in recent
                                                if e["metric"] == "auth.user.login" and e["user_id"] is not None})


def test_data_quality_counts_the_messy_rows(events_db):
    settings, _ = events_db
    raw = fetch(settings, f"select id, tenant_id, user_id, source, event, jsonb_typeof(props) as props_type "
                          f"from {SCHEMA}.analytics_events")
    counted = {r["rule"]: r["affected_rows"] for r in fetch(settings, "select * from marts.events_data_quality")}
    ids = Counter(r["id"] for r in raw if r["id"] is not None)
    assert counted["duplicate_event_delivery"] == sum(n - 1 for n in ids.values()) > 0
    assert counted["missing_tenant_id"] == sum(r["tenant_id"] is None for r in raw) > 0
    assert counted["unknown_source"] == sum((r["source"] or "").strip().lower() not in SOURCES for r in raw) > 0
    assert counted["event_name_normalised"] == sum(normalised(r["event"]) != r["event"] for r in raw) > 0
    # JSON null is not an object either (psycopg2 would read it as None, like SQL NULL: the type says which).
    assert counted["props_not_object"] == sum(r["props_type"] not in (None, "object") for r in raw) > 0
    # The sample's user ids are user_<n>_<m>, or an email planted as the id.
    assert counted["personal_data_in_user_id"] == sum("@" in (r["user_id"] or "") for r in raw) > 0


# The spec's default quotas ("Default Quotas"), restated here rather than read from the seed.
SPEC_QUOTAS = {"api_requests_daily": 100_000, "builds_daily": 200, "emails_daily": 5_000, "webhooks_daily": 50_000,
               "storage_gb": 50}


def reference_quota_status(usage: dict, limits) -> dict:
    """(tenant, day, metric) -> (current, limit, exceeded) for every tenant day with any usage and every quota
    metric; limits(tenant, metric) gives the limit."""
    tenant_days = {(tenant, day) for tenant, day, _metric in usage}
    status = {}
    for tenant, day in tenant_days:
        for metric in SPEC_QUOTAS:
            current, limit = usage.get((tenant, day, metric), 0), limits(tenant, metric)
            status[(tenant, day, metric)] = (current, limit, limit is not None and current >= limit)
    return status


def mart_quota_status(settings) -> dict:
    return {(r["tenant_id"], r["date"], r["metric"]): (r["current_count"], r["daily_limit"], r["exceeded"])
            for r in fetch(settings, "select * from marts.analytics_quota_status")}


def exceeded_rows(settings) -> dict:
    return {(r["tenant_id"], r["date"], r["metric"]): r
            for r in fetch(settings, "select * from marts.analytics_quota_exceeded")}


def test_quota_status_overrides_and_exceeded_history(events_db):
    """The status of every tenant day and quota metric equals the raw events against the spec's defaults; the
    sample's build burst (250 builds in a day) is over builds_daily and recorded once. An admin's override and
    QUOTA_DEFAULTS then change the limits of the days a build recomputes (a full refresh: all of them), the exceeded
    history keeps its rows and adds the new ones, and a misnamed override is ignored and counted."""
    settings, dbt = events_db
    usage = reference_daily_usage(kept_events(settings))
    assert mart_quota_status(settings) == reference_quota_status(usage, lambda _t, m: SPEC_QUOTAS[m])
    first = exceeded_rows(settings)
    expected = {k for k, (_c, _l, over) in reference_quota_status(usage, lambda _t, m: SPEC_QUOTAS[m]).items() if over}
    assert set(first) == expected and any(k[2] == "builds_daily" for k in expected)

    # An admin caps one tenant's API requests at 10 a day, and misnames another override.
    tenant = max({k[0] for k in usage}, key=lambda t: sum(v for k, v in usage.items()
                                                       if k[0] == t and k[2] == "api_requests_daily"))
    execute(settings, """insert into analytics_config.tenant_quota_overrides (tenant_id, metric, daily_limit)
                         values (%s, ' API_Requests_Daily ', 10), (%s, 'api_requests_weekly', 5)""", (tenant, tenant))
    dbt.env["QUOTA_DEFAULTS"] = '{"builds_daily": 100}'
    try:
        dbt("build", "--select", "tag:events", "--full-refresh", as_of=BUILT_AS_OF)
    finally:
        del dbt.env["QUOTA_DEFAULTS"]

    def limits(t, m):
        return 10 if (t, m) == (tenant, "api_requests_daily") else 100 if m == "builds_daily" else SPEC_QUOTAS[m]

    status = reference_quota_status(usage, limits)
    assert mart_quota_status(settings) == status
    second = exceeded_rows(settings)
    assert set(second) == set(first) | {k for k, (_c, _l, over) in status.items() if over}
    assert {k: r["detected_at"] for k, r in second.items() if k in first} == {
        k: r["detected_at"] for k, r in first.items()}, "rows recorded before are kept as they were"
    assert any(k[0] == tenant and k[2] == "api_requests_daily" for k in set(second) - set(first))
    counted = {r["rule"]: r["affected_rows"] for r in fetch(settings, "select * from marts.events_data_quality")}
    assert counted["quota_override_unknown_metric"] == 1

    day = dt.datetime.fromisoformat(BUILT_AS_OF).date()
    answer = fetch(settings, "select public.analytics_quotas(%s, %s) as data", (day, tenant))[0]["data"]
    assert answer == {metric: {"current": usage.get((tenant, day, metric), 0), "limit": limits(tenant, metric),
                               "exceeded": usage.get((tenant, day, metric), 0) >= limits(tenant, metric)}
                      for metric in SPEC_QUOTAS}


def test_quota_defaults_that_name_no_metric_stop_the_build_in_one_line(events_db):
    _settings, dbt = events_db
    for value, words in (('{"api_calls_daily": 5}', "names 'api_calls_daily', which is no quota metric"),
                         ('{"builds_daily": -1}', "must be a whole number >= 0"),
                         ("builds_daily=5", "must be a JSON object")):
        dbt.env["QUOTA_DEFAULTS"] = value
        try:
            result = dbt("compile", "--select", "int_events__quota_defaults", check=False)
        finally:
            del dbt.env["QUOTA_DEFAULTS"]
        assert result.returncode != 0 and words in result.stdout, result.stdout[-2000:]


def test_late_events_and_redeliveries_apply_incrementally(events_db):
    """Events that land late, re-deliveries and a new day: after the daily reconciliation and an incremental run, the
    marts equal the raw events computed again.

    An event's change time is its own time (the log has no landing time), so an event later than
    incremental_lookback_hours is found by the daily reconciliation (macros/incremental/reconcile.sql), which stamps
    the days whose raw rows differ from what the state counted; the hourly run then recomputes them. Here every late
    event needs it: the sample's clock-ahead events (up to 30 days after the anchor, already past on the wall clock)
    hold the watermark after them."""
    settings, dbt = events_db
    later = (ANCHOR + dt.timedelta(hours=20)).isoformat()
    execute(settings, f"""
        insert into {SCHEMA}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
        select md5('late:' || id)::uuid, tenant_id, user_id, source, event, ts - interval '30 hours', props, ip,
               request_id
        from {SCHEMA}.analytics_events
        where ts > %s::timestamptz - interval '3 days' and ts < %s::timestamptz and tenant_id is not null
          and abs(hashtext(id::text)) %% 50 = 0""", (AS_OF, AS_OF))
    execute(settings, redelivered_events_sql(SCHEMA, one_in=40), {"before": AS_OF})
    execute(settings, f"""
        insert into {SCHEMA}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
        select md5('new day:' || id)::uuid, tenant_id, user_id, source, event, ts + interval '1 day', props, ip,
               request_id
        from {SCHEMA}.analytics_events
        where ts > %s::timestamptz - interval '1 day' and ts < %s::timestamptz""", (AS_OF, AS_OF))
    dbt("run-operation", "reconcile_deletions", as_of=later)
    dbt("build", "--select", "tag:events", as_of=later)
    events = kept_events(settings)
    assert mart_daily_usage(settings) == reference_daily_usage(events)
    assert mart_by_source(settings) == reference_by_source(events)


def test_daily_usage_outlives_purged_raw_events(events_db):
    """Raw events older than 20 days are purged (the spec's retention, shortened): an incremental run and a
    --full-refresh keep every day of daily usage, and the days still in the raw table equal it."""
    settings, dbt = events_db
    before, before_by_source = mart_daily_usage(settings), mart_by_source(settings)
    cutoff = (ANCHOR - dt.timedelta(days=20)).date()
    execute(settings, f"delete from {SCHEMA}.analytics_events where ts < %s::date", (cutoff.isoformat(),))
    later = (ANCHOR + dt.timedelta(hours=21)).isoformat()
    for args in (("build", "--select", "tag:events"), ("build", "--select", "tag:events", "--full-refresh")):
        dbt(*args, as_of=later)
        after = mart_daily_usage(settings)
        assert {k: v for k, v in after.items() if k[1] < cutoff} == {k: v for k, v in before.items() if k[1] < cutoff}
        recent = reference_daily_usage(kept_events(settings))
        assert {k: v for k, v in after.items() if k[1] >= cutoff} == recent
        by_source = mart_by_source(settings)
        assert ({k: v for k, v in by_source.items() if k[1] < cutoff}
                == {k: v for k, v in before_by_source.items() if k[1] < cutoff})
        assert {k: v for k, v in by_source.items() if k[1] >= cutoff} == reference_by_source(kept_events(settings))


@pytest.fixture(scope="module")
def quota_alert_runs(events_db, tmp_path_factory) -> dict:
    """Two real `tenant-analytics materialize --domain events` runs (the daily rollup's job): before the first, a
    tenant's builds today reach the limit an admin just lowered. Their outputs and the notifier's alerts after each."""
    settings, _dbt = events_db
    tmp_path = tmp_path_factory.mktemp("quota_alerts")
    tenant = fetch(settings, f"select tenant_id::text from {SCHEMA}.analytics_events where tenant_id is not null "
                             "group by 1 order by count(*) desc limit 1")[0]["tenant_id"]
    now = dt.datetime.now(dt.timezone.utc)
    # Today's builds, UTC (just after midnight, 20 minutes back would be yesterday's).
    built_at = max(now - dt.timedelta(minutes=20), now.replace(hour=0, minute=0, second=0, microsecond=0))
    execute(settings, f"""
        insert into {SCHEMA}.analytics_events (id, tenant_id, user_id, source, event, ts, props)
        select gen_random_uuid(), %s, 'user_probe', 'builder', 'builder.generate.started',
               %s::timestamptz + make_interval(secs => k), '{{}}'
        from generate_series(1, 3) as k""", (tenant, built_at.isoformat()))
    execute(settings, """insert into analytics_config.tenant_quota_overrides (tenant_id, metric, daily_limit)
                         values (%s, 'builds_daily', 2)
                         on conflict (tenant_id, metric) do update set daily_limit = 2""", (tenant,))
    out = tmp_path / "alerts.jsonl"
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, **settings.as_env(), **RAW_ENV, **domain_env(EVENTS_ONLY), "DAGSTER_HOME": str(home),
           "TA_QUOTA_NOTIFIER": "quota_notifier_probe:record", "TA_TEST_NOTIFIER_OUT": str(out),
           "PYTHONPATH": str(Path(__file__).parent)}

    def materialize() -> str:
        result = subprocess.run([sys.executable, "-m", "orchestration.cli", "materialize", "--domain", "events",
                                 "--as-of", now.isoformat()], cwd=PROJECT_ROOT, env=env, capture_output=True,
                                text=True)
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        return result.stdout + result.stderr

    runs = []
    for _ in range(2):
        output = materialize()
        runs.append((output, [json.loads(line) for line in out.read_text().splitlines()]))
    return {"tenant": tenant, "day": str(built_at.date()), "runs": runs, "home": home}


def test_a_dagster_run_alerts_on_newly_exceeded_quotas_through_the_notifier(quota_alert_runs):
    """The first run adds the day to analytics_quota_exceeded, and the asset check quota_exceeded_alerts warns and
    hands exactly that alert to the configured notifier; the next run, with nothing new, alerts on nothing."""
    (first, alerts), (second, alerts_after) = quota_alert_runs["runs"]
    assert "analytics_quota_exceeded: Alerts on the quotas newly exceeded" in first, first[-3000:]
    assert alerts == [{"tenant_id": quota_alert_runs["tenant"], "metric": "builds_daily",
                       "date": quota_alert_runs["day"], "count": 3, "limit": 2}]
    assert "Alerts on the quotas" not in second and alerts_after == alerts


def test_the_exporter_serves_the_specs_series_from_the_marts_and_the_run_records(events_db, quota_alert_runs):
    """`tenant-analytics exporter`'s server, scraped over HTTP and parsed with prometheus_client's parser: every
    series of spec 002 with the marts' numbers, the export audit's requests, and the rollup runs Dagster recorded
    (the two events runs above); the spec's example PromQL has what it needs (counters for rate(), a counter to
    compare with 0, a histogram's _bucket series with `le` for histogram_quantile())."""
    import urllib.request

    from dagster import DagsterInstance
    from prometheus_client.parser import text_string_to_metric_families

    from orchestration.local_http import free_port
    from orchestration.metrics_exporter import serve

    settings, _ = events_db
    tenants = [r["tenant_id"] for r in fetch(settings, "select distinct tenant_id::text from "
                                                       "marts.analytics_daily_usage order by 1 limit 2")]
    for tenant, exports in zip(tenants, (1, 2)):
        for _ in range(exports):
            execute(settings, """insert into analytics_audit.export_requests
                                 (login, tenant_id, date_from, date_to, rows, truncated, max_rows)
                                 values ('tenant_probe', %s, '2026-05-01', '2026-05-31', 10, false, 50000)""",
                    (tenant,))
    port = free_port()
    with DagsterInstance.from_config(str(quota_alert_runs["home"])) as instance:
        server = serve(settings, port, dagster_instance=instance)
        try:
            scrape = lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60).read().decode()
            scrape()
            text = scrape()  # the second shows the first's query durations
        finally:
            server.shutdown()
    families = {f.name: f for f in text_string_to_metric_families(text)}

    def samples(family: str, suffix: str, *labels: str) -> dict:
        assert family in families, sorted(families)
        return {tuple(s.labels[k] for k in labels): s.value for s in families[family].samples
                if s.name == family + suffix}

    by_source = Counter()
    for (tenant, _day, event, source), count in mart_by_source(settings).items():
        by_source[(str(tenant), event, source)] += count
    assert families["sbh_analytics_events"].type == "counter"
    assert samples("sbh_analytics_events", "_total", "tenant", "event", "source") == dict(by_source)
    usage = Counter()
    for (tenant, _day, metric), count in mart_daily_usage(settings).items():
        usage[(str(tenant), metric)] += count
    assert samples("sbh_usage_count", "_total", "tenant", "metric") == dict(usage)
    # Summed over sources, the events of a name are its usage count.
    for (tenant, event, _source), count in by_source.items():
        assert usage[(tenant, event)] >= count
    exceeded = Counter((str(r["tenant_id"]), r["metric"]) for r in
                       fetch(settings, "select tenant_id, metric from marts.analytics_quota_exceeded"))
    assert exceeded and samples("sbh_quota_exceeded", "_total", "tenant", "metric") == dict(exceeded)
    assert samples("sbh_analytics_export_requests", "_total", "tenant") == {(tenants[0],): 1, (tenants[1],): 2}
    assert samples("sbh_analytics_rollup_runs", "_total", "status") == {("success",): 2, ("failure",): 0}
    rollup = families["sbh_analytics_rollup_duration_seconds"]
    assert rollup.type == "histogram"
    buckets = [(float(s.labels["le"]), s.value) for s in rollup.samples if s.name.endswith("_bucket")]
    assert buckets[-1] == (float("inf"), 2) and all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:]))
    [total] = [s.value for s in rollup.samples if s.name.endswith("_sum")]
    assert 0 < total < 3600
    queries = samples("sbh_analytics_query_duration_seconds", "_count", "query")
    assert set(queries) == {("events",), ("usage",), ("quota_exceeded",), ("export_requests",)}
    assert all(count >= 1 for count in queries.values())
