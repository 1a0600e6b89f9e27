"""Spec 002's quota alerts: after a run adds rows to analytics_quota_exceeded (a tenant's quota metric reached its
limit on a day, recorded once), the asset check `quota_exceeded_alerts` fails with severity WARN, lists them in its
metadata and hands them to the notifier.

The notifier is pluggable: $TA_QUOTA_NOTIFIER names a callable as `package.module:function`, called once per run
with the list of QuotaAlert (only when there are new ones) and Dagster's logger; the default logs one warning line per
alert. A notifier that raises fails the check's step, so a broken webhook is seen, not swallowed (README, "Quotas").
"""

# No `from __future__ import annotations` here: Dagster reads the check's context annotation at definition time.

import datetime as dt
import importlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue,
                     asset_check)

from .project import target_dir
from .warehouse import ConnectionSettings

EXCEEDED_MODEL = "analytics_quota_exceeded"
NOTIFIER_ENV = "TA_QUOTA_NOTIFIER"


@dataclass(frozen=True)
class QuotaAlert:
    tenant_id: str
    metric: str
    date: dt.date
    count: int
    limit: int

    def line(self) -> str:
        return (f"quota exceeded: tenant {self.tenant_id} {self.metric} on {self.date}: "
                f"{self.count:,} of {self.limit:,}")


def log_notifier(alerts: Sequence[QuotaAlert], log) -> None:
    """The default: one warning per newly exceeded quota in the run's log."""
    for alert in alerts:
        log.warning(alert.line())


def load_notifier(spec: str | None = None, env: str = NOTIFIER_ENV) -> Callable[[Sequence[object], object], None]:
    """The notifier the environment variable `env` names (`package.module:function`), else log_notifier."""
    spec = (spec if spec is not None else os.environ.get(env, "")).strip()
    if not spec:
        return log_notifier
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{env} must look like package.module:function, got {spec!r}")
    notifier = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(notifier):
        raise ValueError(f"{env}={spec}: {attribute} is not a callable of {module_name}")
    return notifier


def model_relation(model: str) -> str:
    """Where dbt builds `model` (its schema from the manifest)."""
    manifest = json.loads((target_dir() / "manifest.json").read_text(encoding="utf-8"))
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == model:
            return node["relation_name"]
    raise LookupError(f"{model} is not in the dbt manifest (is its domain switched off?)")


def exceeded_relation() -> str:
    """Where dbt builds analytics_quota_exceeded."""
    return model_relation(EXCEEDED_MODEL)


def run_start(context: AssetCheckExecutionContext) -> dt.datetime:
    """When the check's run started (rows detected since then are this run's)."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    started = record.start_time if record and record.start_time else record.create_timestamp.timestamp()
    return dt.datetime.fromtimestamp(started, dt.timezone.utc)


def new_alerts(settings: ConnectionSettings, since: dt.datetime) -> list[QuotaAlert]:
    """The rows analytics_quota_exceeded gained from builds that started at or after `since`."""
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"""select tenant_id::text, metric, date, count_when_detected, limit_when_detected
                            from {exceeded_relation()} where detected_at >= %s
                            order by date, tenant_id, metric""", (since,))
            return [QuotaAlert(*row) for row in cur.fetchall()]
    finally:
        conn.close()


@asset_check(asset=AssetKey(["marts", EXCEEDED_MODEL]), name="quota_exceeded_alerts", blocking=False,
             description="Alerts on the quotas newly exceeded in this run (rows this run added to "
                         "analytics_quota_exceeded): fails with severity WARN and notifies ($TA_QUOTA_NOTIFIER, "
                         "default: the run's log)")
def quota_exceeded_alerts(context: AssetCheckExecutionContext) -> AssetCheckResult:
    alerts = new_alerts(ConnectionSettings.from_env(), run_start(context))
    if alerts:
        load_notifier()(alerts, context.log)
    return alerts_result(alerts, "newly exceeded")


def alerts_result(alerts: Sequence, label: str) -> AssetCheckResult:
    """An alert check's result: passed without alerts, else a WARN listing them (the first 50)."""
    shown = alerts[:50]
    return AssetCheckResult(
        passed=not alerts, severity=AssetCheckSeverity.WARN,
        metadata={
            label: len(alerts),
            "alerts": MetadataValue.md("\n".join(f"- {a.line()}" for a in shown) + (
                f"\n- ... and {len(alerts) - len(shown)} more" if len(alerts) > len(shown) else "") or "none"),
        },
    )
