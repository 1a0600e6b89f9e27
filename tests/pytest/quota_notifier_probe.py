"""A notifier for the tests (TA_QUOTA_NOTIFIER or TA_CREDIT_NOTIFIER=quota_notifier_probe:record): appends each
alert it is given (a QuotaAlert or a CreditAlert), its fields as a JSON line, to the file $TA_TEST_NOTIFIER_OUT."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os


def record(alerts, log) -> None:
    with open(os.environ["TA_TEST_NOTIFIER_OUT"], "a", encoding="utf-8") as out:
        for alert in alerts:
            fields = {k: str(v) if isinstance(v, dt.date) else v for k, v in dataclasses.asdict(alert).items()}
            out.write(json.dumps(fields) + "\n")
    log.info(f"quota_notifier_probe: {len(alerts)} alerts recorded")
