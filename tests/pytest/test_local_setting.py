"""macros/models/local_setting.sql: a planner setting as a model's pre-hook holds for that model's own SQL and
ends with its transaction (`set local`), so it cannot leak into whatever runs next on the same connection."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import ANCHOR, RAW_SCHEMA, execute, fetch, project_copy
from orchestration.project import dbt_executable
from orchestration.security import bootstrap
from orchestration.warehouse import ensure_database

PROBE_DATABASE = "analytics_setting_probe"

# The post-hook runs after the model's transaction commits, on the same connection: it sees what is left of the
# setting there.
MODEL = """{{ config(materialized='table', schema='probe',
                  pre_hook=[local_setting('enable_nestloop', 'off')],
                  post_hook=[after_commit("insert into probe_log.seen select current_setting('enable_nestloop')")]) }}
select current_setting('enable_nestloop') as enable_nestloop
"""


def test_local_setting_holds_for_its_model_and_ends_with_its_transaction(warehouse, tmp_path):
    postgres = warehouse.with_database("postgres")
    execute(postgres, f"drop database if exists {PROBE_DATABASE} with (force)")
    ensure_database(warehouse, PROBE_DATABASE)
    probe = warehouse.with_database(PROBE_DATABASE)
    bootstrap(probe)

    project = project_copy(tmp_path)
    (project / "models" / "probe").mkdir()
    (project / "models" / "probe" / "probe_with_local_setting.sql").write_text(MODEL)
    execute(probe, "create schema probe_log")
    execute(probe, "create table probe_log.seen (enable_nestloop text)")
    execute(probe, "grant usage on schema probe_log to public; grant insert on probe_log.seen to public")

    env = {**os.environ, **probe.as_env(), "DBT_PROFILES_DIR": str(project), "TA_RAW_SCHEMA": RAW_SCHEMA}
    dbt = dbt_executable()
    built = subprocess.run([dbt, "run", "--select", "probe_with_local_setting",
                            "--vars", json.dumps({"as_of": ANCHOR.isoformat()})],
                           cwd=project, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:]
    schema = fetch(probe, "select table_schema from information_schema.tables "
                          "where table_name = 'probe_with_local_setting'")[0]["table_schema"]
    assert fetch(probe, f"select enable_nestloop from {schema}.probe_with_local_setting") == [
        {"enable_nestloop": "off"}]
    assert fetch(probe, "select enable_nestloop from probe_log.seen") == [{"enable_nestloop": "on"}]
    execute(postgres, f"drop database if exists {PROBE_DATABASE} with (force)")
