"""Spec 003's usage alerts ("Alerts: notifications for usage thresholds"): after a run adds rows to
credit_spend_alerts (a user spent more credits in a UTC day than var credits_daily_alert_threshold, recorded once),
the asset check `credit_spend_alerts` fails with severity WARN, lists them in its metadata and hands them to the
notifier: $TA_CREDIT_NOTIFIER (`package.module:function`, called with the list of CreditAlert and Dagster's logger),
by default one warning line per alert, as the quota alerts do (orchestration/quotas.py)."""

# No `from __future__ import annotations` here: Dagster reads the check's context annotation at definition time.

import datetime as dt
from dataclasses import dataclass

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetKey, asset_check

from .quotas import alerts_result, load_notifier, model_relation, run_start
from .warehouse import ConnectionSettings

ALERTS_MODEL = "credit_spend_alerts"
NOTIFIER_ENV = "TA_CREDIT_NOTIFIER"


@dataclass(frozen=True)
class CreditAlert:
    user_id: str
    date: dt.date
    credits_spent: int
    threshold: int

    def line(self) -> str:
        return f"credits spent: user {self.user_id} on {self.date}: {self.credits_spent:,} (threshold {self.threshold:,})"


def new_alerts(settings: ConnectionSettings, since: dt.datetime) -> list[CreditAlert]:
    """The rows credit_spend_alerts gained from builds that started at or after `since`."""
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"""select user_id, date, credits_spent, threshold from {model_relation(ALERTS_MODEL)}
                            where detected_at >= %s order by date, user_id""", (since,))
            return [CreditAlert(*row) for row in cur.fetchall()]
    finally:
        conn.close()


@asset_check(asset=AssetKey(["marts", ALERTS_MODEL]), name="credit_spend_alerts", blocking=False,
             description="Alerts on the users whose credits spent in a day went over the threshold in this run "
                         "(rows this run added to credit_spend_alerts): fails with severity WARN and notifies "
                         "($TA_CREDIT_NOTIFIER, default: the run's log)")
def credit_spend_alerts(context: AssetCheckExecutionContext) -> AssetCheckResult:
    alerts = new_alerts(ConnectionSettings.from_env(), run_start(context))
    if alerts:
        load_notifier(env=NOTIFIER_ENV)(alerts, context.log)
    return alerts_result(alerts, "new alerts")
