"""One Dagster asset per dbt model (and seed), with dbt tests as asset checks."""

# No `from __future__ import annotations` here: Dagster reads the config annotations at run time.

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from .housekeeping import prune_dagster_runs, prune_target_folders, retention_days
from .locking import dbt_build_lock
from .partitions import daily_partitions, dbt_vars_for_window
from .project import DOMAINS, dbt_project


class DbtBuildConfig(Config):
    """Run options of the dbt assets (Launchpad or `dagster asset materialize --config-json`)."""

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


def build_args(context: AssetExecutionContext, config: DbtBuildConfig) -> list[str]:
    """The `dbt build` arguments for this run: partition window and reference time as vars."""
    dbt_vars: dict[str, str] = {}
    if context.has_partition_key_range or context.has_partition_key:
        window = context.partition_time_window
        dbt_vars.update(dbt_vars_for_window(window.start, window.end))
    # A first build or a full refresh reads everything; the window only scopes incremental runs.
    if config.as_of:
        dbt_vars["as_of"] = config.as_of
    args = ["build"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    if config.full_refresh:
        args.append("--full-refresh")
    return args


_project = dbt_project()


@dbt_assets(
    manifest=_project.manifest_path,
    project=_project,
    dagster_dbt_translator=Translator(),
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
)
def analytics_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
    args = build_args(context, config)
    context.log.info(f"dbt {' '.join(args)}")
    with dbt_build_lock(log=context.log.info):
        yield from dbt.cli(args, context=context).stream()
    removed = prune_target_folders()
    pruned = prune_dagster_runs(context.instance)
    if removed or pruned:
        context.log.info(f"pruned {len(removed)} dbt target folders and {pruned} Dagster runs older than "
                         f"{retention_days():g} days ($TA_ARTIFACT_RETENTION_DAYS)")
