"""One Dagster asset per dbt model (and seed), with dbt tests as asset checks; the raw tables they read, group `raw`."""

# No `from __future__ import annotations` here: Dagster reads the config annotations at run time.

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from dagster import AssetCheckSpec, AssetExecutionContext, AssetKey, AssetSpec, BackfillPolicy, ConfigurableResource
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .housekeeping import prune_dagster_runs, prune_target_folders, retention_days
from .locking import dbt_build_lock
from .partitions import daily_partitions, run_settings, settings_in_environment
from .project import DOMAINS, PROJECT_ROOT, dbt_project
from .raw_sources import raw_assets, raw_tables


class DbtBuildOptions(ConfigurableResource):
    """Options of a run, shared by its three dbt steps (Launchpad: resources.build_options.config)."""

    full_refresh: bool = False
    as_of: str = ""


LAYERS = ("staging", "intermediate", "marts", "public")


class Translator(DagsterDbtTranslator):
    """Assets are grouped by domain (a raw source's group is its own domain), so each domain's lineage, raw tables
    to public views, is one group in the UI; the layer is a tag. Raw source tables get keys of their own."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        domains = [tag for tag in dbt_resource_props.get("tags", []) if tag in DOMAINS]
        return domains[0] if domains else "shared"

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else dbt_resource_props["resource_type"]
        return {**super().get_tags(dbt_resource_props), "layer": layer}

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The YAML description alone: dagster-dbt's default appends the model's raw Jinja SQL."""
        kind, name = dbt_resource_props["resource_type"], dbt_resource_props["name"]
        return (dbt_resource_props.get("description") or "").strip() or f"dbt {kind} {name}"

    def get_asset_check_spec(self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: Any) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        return spec._replace(description=test_description(manifest["nodes"][unique_id])) if spec else None


def test_description(test: Mapping[str, Any]) -> str:
    """What a dbt test checks, in one line, for its Dagster asset check: its YAML description if it has one, else its
    generic test's name, column and arguments (a singular test: the first comment of its SQL)."""
    if (test.get("description") or "").strip():
        return test["description"].strip()
    meta = test.get("test_metadata") or {}
    if not meta:
        comment = [line[2:].strip() for line in (test.get("raw_code") or "").splitlines() if line.startswith("--")]
        return " ".join(comment[:3]) or f"dbt test {test['name']}"
    arguments = {k: v for k, v in (meta.get("kwargs") or {}).items() if k not in ("model", "column_name")}
    shown = "; ".join(", ".join(map(str, v)) if isinstance(v, list) else f"{k}: {v}" for k, v in arguments.items())
    column = f" on {test['column_name']}" if test.get("column_name") else ""
    severity = (test.get("config") or {}).get("severity", "error").lower()
    return f"dbt test {meta['name']}{column}{': ' + shown if shown else ''} (severity {severity})"


CATCH_UP_TAG = "tenant-analytics/catch-up"


def run_window(context: AssetExecutionContext) -> tuple[dt.datetime, dt.datetime] | None:
    """The UTC days of changes a run applies: its partition, or its partition range (a single-run backfill); None
    for a run without partitions, or for a range the CLI applies as a catch-up (tag CATCH_UP_TAG: each incremental
    model then applies every change after its own watermark, which covers the range without recomputing days that
    did not change). Read from the run, so the three steps pass dbt the same settings."""
    tags = context.run.tags
    if tags.get(CATCH_UP_TAG):
        return None
    first = tags.get("dagster/asset_partition_range_start") or tags.get("dagster/partition")
    last = tags.get("dagster/asset_partition_range_end") or first
    if not first:
        return None
    return (daily_partitions.time_window_for_partition_key(first).start,
            daily_partitions.time_window_for_partition_key(last).end)


def build_args(options: DbtBuildOptions) -> list[str]:
    """The `dbt build` arguments for a step (the run's window and reference time travel as environment variables)."""
    return ["build", "--full-refresh"] if options.full_refresh else ["build"]


class Progress:
    """One line per dbt step on stderr when $TA_PROGRESS is 1 (the CLI sets it; its Dagster log is quiet): on a
    terminal a counter that rewrites itself as models and checks finish, and the step's total when it ends."""

    def __init__(self, step: str, total: int):
        self.step, self.total, self.done, self.started = step, total, 0, time.monotonic()
        self.shown = os.environ.get("TA_PROGRESS") == "1"
        self.live = self.shown and sys.stderr.isatty()

    def _line(self) -> str:
        return (f"[tenant-analytics]   {self.step:<16} {self.done:>4} of {self.total} models and checks  "
                f"{time.monotonic() - self.started:6.1f} s")

    @contextlib.contextmanager
    def dbt_output(self, run_id: str) -> Iterator[TextIO]:
        """Where dbt's lines go: stdout, or for a quiet run logs/run-<id>-<step>.dbt.log."""
        if not self.shown:
            yield sys.stdout
            return
        folder = PROJECT_ROOT / "logs"
        folder.mkdir(exist_ok=True)
        with (folder / f"run-{run_id[:8]}-{self.step}.dbt.log").open("w", encoding="utf-8") as handle:
            yield handle

    def advance(self, event: object) -> None:
        if type(event).__name__ not in ("Output", "AssetMaterialization", "AssetCheckResult"):
            return
        self.done += 1
        if self.live:
            print("\r" + self._line(), end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.shown:
            print(("\r" if self.live else "") + self._line(), file=sys.stderr, flush=True)


def run_dbt_build(context: AssetExecutionContext, dbt: DbtCliResource, options: DbtBuildOptions):
    """One step of a run: `dbt build` of the step's models (dagster-dbt adds their selection), under the build lock."""
    args = build_args(options)
    settings = run_settings(run_window(context), options.as_of)
    context.log.info(f"dbt {' '.join(args)} ({', '.join(f'{k}={v}' for k, v in settings.items()) or 'no window'})")
    with dbt_build_lock(log=context.log.info):
        with settings_in_environment(settings):  # dbt.cli starts dbt with the environment of this moment
            invocation = dbt.cli(args, context=context)
        progress = Progress(context.op_def.name, len(context.selected_asset_keys) +
                            len(context.selected_asset_check_keys))
        # dagster-dbt echoes every dbt line to stdout; a quiet run (the CLI's) sends them to logs/ instead.
        with progress.dbt_output(context.run_id) as output, contextlib.redirect_stdout(output):
            for event in invocation.stream():
                progress.advance(event)
                yield event
        progress.finish()
    removed = prune_target_folders()
    pruned = prune_dagster_runs(context.instance)
    if removed or pruned:
        context.log.info(f"pruned {len(removed)} dbt target folders and {pruned} Dagster runs older than "
                         f"{retention_days():g} days ($TA_ARTIFACT_RETENTION_DAYS)")


_project = dbt_project()

# Only the incremental models past staging are partitioned (by UTC day of change): a partition of a view or a
# full-rebuild table means nothing. A run is three steps so that the partitioned step sits between two unpartitioned
# ones: seeds and staging upstream of it, the marts rebuilt whole and the public views downstream (one unpartitioned
# step on both sides would be a cycle). Every run of the jobs runs all three; dbt's tests run as asset checks in
# their step. Staging is upstream whole, its one incremental model too
# (base_renders__user_agents, the cache of the user agents' classification the account-activity views join):
# partitioned, it would split a run into five steps (those views after the partitioned step, and the partitioned
# models that read them after the views).
INCREMENTAL = "config.materialized:incremental"


def incremental_models(manifest: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The incremental models' names: (partitioned, in staging)."""
    partitioned, staging = [], []
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental":
            in_staging = node["original_file_path"].startswith("models/staging/")
            (staging if in_staging else partitioned).append(node["name"])
    return sorted(partitioned), sorted(staging)


_PARTITIONED_MODELS, _STAGING_INCREMENTAL = incremental_models(
    json.loads(_project.manifest_path.read_text(encoding="utf-8")))
if _STAGING_INCREMENTAL:  # by name: a selection string cannot say "incremental, but not in staging, and after"
    _AFTER_PARTITIONED = " ".join(f"{name}+" for name in _PARTITIONED_MODELS)
    _UPSTREAM = {"select": "fqn:*", "exclude": _AFTER_PARTITIONED}
    _PARTITIONED = {"select": INCREMENTAL, "exclude": " ".join(_STAGING_INCREMENTAL)}
    _DOWNSTREAM = {"select": _AFTER_PARTITIONED, "exclude": INCREMENTAL}
else:
    _UPSTREAM, _PARTITIONED = {"select": "fqn:*", "exclude": f"{INCREMENTAL}+"}, {"select": INCREMENTAL}
    _DOWNSTREAM = {"select": f"{INCREMENTAL}+", "exclude": INCREMENTAL}


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_upstream", **_UPSTREAM)
def dbt_upstream(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """Seeds and staging (and the views the incremental models read)."""
    yield from run_dbt_build(context, dbt, build_options)


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_incremental", **_PARTITIONED, partitions_def=daily_partitions,
            backfill_policy=BackfillPolicy.single_run())
def dbt_incremental(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """The incremental models: the change manifests, the mergeable state and the incremental marts."""
    yield from run_dbt_build(context, dbt, build_options)


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_downstream", **_DOWNSTREAM)
def dbt_downstream(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """The marts rebuilt whole from the state (overviews, performance, data quality) and the public views."""
    yield from run_dbt_build(context, dbt, build_options)


DBT_ASSETS = (dbt_upstream, dbt_incremental, dbt_downstream)
RAW_TABLES = raw_tables(_project.manifest_path)
RAW_SOURCES = raw_assets(RAW_TABLES)
