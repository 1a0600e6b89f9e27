"""Privacy (README, "Privacy"): the sample data plants personal data in a free-text field; staging masks it;
the no_pii_in_text_columns test on every mart would catch it if staging stopped masking."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import ANCHOR, EVENTS_RAW_SCHEMA, RAW_SCHEMA, domain_env, execute, fetch, project_copy
from orchestration.project import dbt_executable
from orchestration.sample_data import SampleSpec, load_sample_data
from orchestration.security import bootstrap, grant_raw_read
from orchestration.warehouse import ensure_database

PROBE_DATABASE = "analytics_privacy_probe"
PLANTED = "%jane.doe@example.com%"


@pytest.fixture(scope="module")
def privacy_built(built):
    return built  # its build ran every mart's no_pii_in_text_columns test, which must pass


def test_planted_personal_data_is_masked_and_counted(privacy_built):
    sample_loaded = privacy_built
    planted = fetch(sample_loaded, f"select count(*) as n from {RAW_SCHEMA}.tryon_jobs "
                                   "where failure_reason_normalized ilike %s", (PLANTED,))[0]["n"]
    assert planted > 0, "the sample data must plant an email for this test to mean anything"
    masked = fetch(sample_loaded, "select failure_reason_normalized as r from marts.global_tryon_failure_reason "
                                  "where failure_reason_normalized like '%[email]%'")
    assert masked, "the planted email's failure reason should appear masked"
    leaked = fetch(sample_loaded, "select count(*) as n from marts.global_tryon_failure_reason "
                                  "where failure_reason_normalized ilike %s", (PLANTED,))[0]["n"]
    assert leaked == 0
    counted = fetch(sample_loaded, "select affected_rows from marts.tryon_data_quality "
                                   "where rule = 'personal_data_in_failure_reason'")[0]["affected_rows"]
    with_any_pii = fetch(sample_loaded, f"""
        select count(*) as n from {RAW_SCHEMA}.tryon_jobs
        where failure_reason_normalized ~* '@|\\+1 415|10\\.12\\.0\\.7|2001:db8'""")[0]["n"]
    assert counted == with_any_pii > planted



def test_product_events_keep_no_personal_data(privacy_built):
    """Spec 002's events carry personal data in props, user ids and IPs (the sample plants emails and phone numbers
    in props, emails as user ids, full IPv4 and IPv6 addresses): none of it reaches the events a tenant reads, the
    IP only as its network, and every row with personal data in props is counted."""
    s = privacy_built
    pii = "@example[.]com|[+]1 415 555"
    planted = fetch(s, f"select count(*) as n from {EVENTS_RAW_SCHEMA}.analytics_events where props::text ~ %s",
                    (pii,))[0]["n"]
    as_user = fetch(s, f"select count(*) as n from {EVENTS_RAW_SCHEMA}.analytics_events where user_id like '%%@%%'")
    assert planted > 0 and as_user[0]["n"] > 0, "the sample must plant personal data for this test to mean anything"
    leaked = fetch(s, """select count(*) as n from marts.analytics_events_recent
                         where props::text ~ %s or user_id like '%%@%%'""", (pii,))[0]["n"]
    assert leaked == 0
    assert fetch(s, "select count(*) as n from marts.analytics_events_recent where props::text like '%%[email]%%'")[0]["n"]
    kept = {r["ip_prefix"] for r in fetch(s, "select distinct ip_prefix from marts.analytics_events_recent "
                                             "where ip_prefix is not null")}
    assert kept and all(p.endswith(".0") or p.endswith("::") for p in kept), "only networks (/24, /48) are kept"
    counted = fetch(s, "select affected_rows from marts.events_data_quality where rule = 'personal_data_in_props'")
    with_any = fetch(s, f"""select count(*) as n from {EVENTS_RAW_SCHEMA}.analytics_events
                            where jsonb_typeof(props) = 'object'
                              and props::text ~* '@|[+]1 415|\\m(?:[0-9]{{1,3}}[.]){{3}}[0-9]{{1,3}}\\M|[0-9a-f]{{1,4}}(?::[0-9a-f]{{0,4}}){{2,7}}'""")
    # At least every planted row, at most the rows with anything that looks like personal data.
    assert planted <= counted[0]["affected_rows"] <= with_any[0]["n"]

def test_no_pii_test_fails_when_staging_stops_masking(sample_loaded, tmp_path):
    """Build a copy of the project whose scrub_pii macro does nothing: the marts' no-PII test must fail."""
    probe = sample_loaded.with_database(PROBE_DATABASE)
    execute(sample_loaded.with_database("postgres"), f"drop database if exists {PROBE_DATABASE} with (force)")
    ensure_database(sample_loaded, PROBE_DATABASE)
    bootstrap(probe)
    load_sample_data(probe, RAW_SCHEMA, SampleSpec(seed=11, tenants=8, jobs=20_000, days=10, anchor=ANCHOR),
                     force=True, log=lambda _m: None)
    grant_raw_read(probe, RAW_SCHEMA)

    project = project_copy(tmp_path)
    pii_macro = project / "macros" / "privacy" / "pii.sql"
    text = pii_macro.read_text()
    assert "{{- ns.sql -}}" in text
    pii_macro.write_text(text.replace("{{- ns.sql -}}", "{{- expression -}}"))  # staging stops masking

    env = {**os.environ, **probe.as_env(), "DBT_PROFILES_DIR": str(project), "TA_RAW_SCHEMA": RAW_SCHEMA,
           **domain_env(("tryon",))}
    dbt = dbt_executable()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([dbt, *args, "--vars", json.dumps({"as_of": ANCHOR.isoformat()})],
                              cwd=project, env=env, capture_output=True, text=True)

    assert run("seed").returncode == 0
    built = run("run", "--select", "+global_tryon_failure_reason_v")
    assert built.returncode == 0, built.stdout[-3000:]
    leaked = fetch(probe, "select count(*) as n from marts.global_tryon_failure_reason "
                          "where failure_reason_normalized ilike %s", (PLANTED,))[0]["n"]
    assert leaked > 0, "without masking the planted email should reach the mart"
    tested = run("test", "--select", "test_name:no_pii_in_text_columns,global_tryon_failure_reason",
                 "test_name:no_pii_in_text_columns,global_tryon_failure_reason_v")
    assert tested.returncode != 0, tested.stdout[-3000:]
    failures = [line for line in tested.stdout.splitlines() if " FAIL " in line]
    assert any("no_pii_in_text_columns_global_tryon_failure_reason_" in line for line in failures), tested.stdout[-3000:]
    assert any("no_pii_in_text_columns_global_tryon_failure_reason_v_" in line for line in failures), tested.stdout[-3000:]
    execute(sample_loaded.with_database("postgres"), f"drop database if exists {PROBE_DATABASE} with (force)")
