"""One Dagster asset per dbt model (and seed), with dbt tests as asset checks."""

# No `from __future__ import annotations` here: Dagster reads the config annotations at run time.

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, ConfigurableResource
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .housekeeping import prune_dagster_runs, prune_target_folders, retention_days
from .locking import dbt_build_lock
from .partitions import daily_partitions, dbt_vars, settings_in_environment
from .project import DOMAINS, dbt_project


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
            return dbt_resource_props["source_name"]
        domains = [tag for tag in dbt_resource_props.get("tags", []) if tag in DOMAINS]
        return domains[0] if domains else "shared"

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else dbt_resource_props["resource_type"]
        return {**super().get_tags(dbt_resource_props), "layer": layer}


def run_window(context: AssetExecutionContext) -> tuple[dt.datetime, dt.datetime] | None:
    """The UTC days of changes a run applies: its partition, or its partition range (a single-run backfill); None
    for a run without partitions. Read from the run, so the unpartitioned steps pass dbt the same vars as the
    partitioned one and dbt's partial parse stays valid between the steps."""
    tags = context.run.tags
    first = tags.get("dagster/asset_partition_range_start") or tags.get("dagster/partition")
    last = tags.get("dagster/asset_partition_range_end") or first
    if not first:
        return None
    return (daily_partitions.time_window_for_partition_key(first).start,
            daily_partitions.time_window_for_partition_key(last).end)


def build_args(options: DbtBuildOptions) -> list[str]:
    """The `dbt build` arguments for a step (the run's window and reference time travel as environment variables)."""
    return ["build", "--full-refresh"] if options.full_refresh else ["build"]


def run_dbt_build(context: AssetExecutionContext, dbt: DbtCliResource, options: DbtBuildOptions):
    """One step of a run: `dbt build` of the step's models (dagster-dbt adds their selection), under the build lock."""
    args = build_args(options)
    settings = dbt_vars(run_window(context), options.as_of)
    context.log.info(f"dbt {' '.join(args)} ({', '.join(f'{k}={v}' for k, v in settings.items()) or 'no window'})")
    with dbt_build_lock(log=context.log.info):
        with settings_in_environment(settings):  # dbt.cli starts dbt with the environment of this moment
            invocation = dbt.cli(args, context=context)
        yield from invocation.stream()
    removed = prune_target_folders()
    pruned = prune_dagster_runs(context.instance)
    if removed or pruned:
        context.log.info(f"pruned {len(removed)} dbt target folders and {pruned} Dagster runs older than "
                         f"{retention_days():g} days ($TA_ARTIFACT_RETENTION_DAYS)")


_project = dbt_project()

# Only the incremental models are partitioned (by UTC day of change): a partition of a view or a full-rebuild table
# means nothing. A run is three steps so that the partitioned step sits between two unpartitioned ones: seeds and
# staging upstream of it, the marts rebuilt whole and the public views downstream (one unpartitioned step on both
# sides would be a cycle). Every run of the jobs runs all three; dbt's tests run as asset checks in their step.
INCREMENTAL = "config.materialized:incremental"


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_upstream", select="fqn:*", exclude=f"{INCREMENTAL}+")
def dbt_upstream(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """Seeds and staging (and the views the incremental models read)."""
    yield from run_dbt_build(context, dbt, build_options)


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_incremental", select=INCREMENTAL, partitions_def=daily_partitions,
            backfill_policy=BackfillPolicy.single_run())
def dbt_incremental(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """The incremental models: the change manifests, the mergeable state and the incremental marts."""
    yield from run_dbt_build(context, dbt, build_options)


@dbt_assets(manifest=_project.manifest_path, project=_project, dagster_dbt_translator=Translator(),
            name="dbt_downstream", select=f"{INCREMENTAL}+", exclude=INCREMENTAL)
def dbt_downstream(context: AssetExecutionContext, dbt: DbtCliResource, build_options: DbtBuildOptions):
    """The marts rebuilt whole from the state (overviews, performance, data quality) and the public views."""
    yield from run_dbt_build(context, dbt, build_options)


DBT_ASSETS = (dbt_upstream, dbt_incremental, dbt_downstream)
