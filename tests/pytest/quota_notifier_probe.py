"""A quota notifier for the tests (TA_QUOTA_NOTIFIER=quota_notifier_probe:record): appends each alert it is given,
as a JSON line, to the file $TA_TEST_NOTIFIER_OUT."""

from __future__ import annotations

import json
import os


def record(alerts, log) -> None:
    with open(os.environ["TA_TEST_NOTIFIER_OUT"], "a", encoding="utf-8") as out:
        for alert in alerts:
            out.write(json.dumps({"tenant_id": alert.tenant_id, "metric": alert.metric, "date": str(alert.date),
                                  "count": alert.count, "limit": alert.limit}) + "\n")
    log.info(f"quota_notifier_probe: {len(alerts)} alerts recorded")
