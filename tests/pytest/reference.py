"""An independent computation of every try-on metric, in plain Python over the raw rows.

Written from the spec and the README's rules, not from the SQL: it shares no code with the dbt project.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict

KNOWN = {"queued", "processing", "completed", "failed", "provider_expired"}
TERMINAL = {"completed", "failed", "provider_expired"}
# README "Bad input": implausible magnitudes (dbt_project.yml vars tryon_max_credits_per_job, tryon_max_ledger_amount).
MAX_CREDITS_PER_JOB = 10_000
MAX_LEDGER_AMOUNT = 10_000_000
# README, "Credits": the effect of each ledger event on (available, reserved_or_spent).
CREDIT_EFFECT = {
    "grant": (1, 0), "purchase": (1, 0), "reserve": (-1, 1),
    "release": (1, -1), "charge": (-1, 1), "refund": (1, -1),
}


# README, "Privacy": personal data in free text is masked, in this order.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
PII_MASKS = [
    ("[email]", re.compile(r"[\w.%+-]+@[a-z\d-]+(?:\.[a-z\d-]+)*\.[a-z]{2,}", re.I | re.A)),
    ("[ipv4]", re.compile(rf"\b{_OCTET}(?:\.{_OCTET}){{3}}\b")),
    ("[ipv6]", re.compile(r"\b(?:[\da-f]{1,4}:){1,7}:?(?:[\da-f]{1,4}(?::[\da-f]{1,4}){0,5})?\b", re.I)),
    ("[phone]", re.compile(r"\+[1-9]\d{0,2}[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){2,4}\b")),
]


def mask_pii(text: str) -> str:
    for mask, pattern in PII_MASKS:
        text = pattern.sub(mask, text)
    return text


# How psycopg2 reads PostgreSQL's 'infinity' and '-infinity' timestamps (the sample plants them on purpose).
INFINITY = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
MINUS_INFINITY = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def is_infinite(ts: dt.datetime | None) -> bool:
    return ts is not None and ts in (INFINITY, MINUS_INFINITY)


def _status(row: dict) -> str:
    status = (row["status"] or "").strip().lower()
    return status if status in KNOWN else "unknown"


def _model(row: dict) -> str:
    return mask_pii((row["model"] or "").strip().lower() or "unknown")


def _reason(row: dict) -> str | None:
    return mask_pii((row["failure_reason_normalized"] or "").strip().lower()) or None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _version_rank_key(row: dict) -> tuple:
    """README "Bad input", duplicate_job_version: the newest updated_at first (an infinite one is the newest); ties:
    the newest created_at, then the smallest status, model, reason (as cleaned), credits and tenant; nulls last in
    every step. Sorting ascending by this key puts the kept version first."""
    def newest_first(ts):
        return (ts is None, -(ts - _EPOCH) if ts is not None else dt.timedelta(0))

    def smallest_first(value):
        return (value is None, value if value is not None else "")

    return (*newest_first(row["updated_at"]), *newest_first(row["created_at"]), *smallest_first(_status(row)),
            *smallest_first(_model(row)), *smallest_first(_reason(row)),
            row["credits_charged"] is None, row["credits_charged"] or 0,
            *smallest_first(None if row["tenant_id"] is None else str(row["tenant_id"])))


def clean_jobs(raw_rows: list[dict]) -> list[dict]:
    """The README's rules: one version per id (_version_rank_key); drop rows without id, created_at or tenant, or
    with an infinite created_at; an infinite updated_at ranks the version as the newest and then counts as missing."""
    newest: dict = {}
    for row in raw_rows:
        if row["id"] is None:
            continue
        kept = newest.get(row["id"])
        if kept is None or _version_rank_key(row) < _version_rank_key(kept):
            newest[row["id"]] = row
    jobs = []
    for row in newest.values():
        if row["created_at"] is None or row["tenant_id"] is None or is_infinite(row["created_at"]):
            continue
        if is_infinite(row["updated_at"]):
            row = {**row, "updated_at": None}
        status = _status(row)
        model = _model(row)
        reason = _reason(row)
        if status not in ("failed", "provider_expired"):
            reason = None
        elif reason is None:
            reason = "provider_expired" if status == "provider_expired" else "unspecified"
        lifecycle = None
        if status in TERMINAL and row["updated_at"] is not None:
            lifecycle = max((row["updated_at"] - row["created_at"]).total_seconds(), 0.0)
        jobs.append({
            "tenant_id": str(row["tenant_id"]),
            "status": status,
            "model": model,
            "reason": reason,
            "created_at": row["created_at"],
            "day": row["created_at"].astimezone(dt.timezone.utc).date(),
            "lifecycle": lifecycle,
            "credits": row["credits_charged"] if 0 < (row["credits_charged"] or 0) <= MAX_CREDITS_PER_JOB else 0,
        })
    return jobs


def nearest_rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered)) - 1]


def outcome_metrics(jobs: list[dict]) -> dict:
    completed = sum(j["status"] == "completed" for j in jobs)
    failed = sum(j["status"] in ("failed", "provider_expired") for j in jobs)
    lifecycles = [j["lifecycle"] for j in jobs if j["status"] == "completed" and j["lifecycle"] is not None]
    return {
        "total_jobs": len(jobs),
        "completed_jobs": completed,
        "failed_jobs": failed,
        "provider_expired_jobs": sum(j["status"] == "provider_expired" for j in jobs),
        "in_flight_jobs": sum(j["status"] in ("queued", "processing") for j in jobs),
        "unknown_status_jobs": sum(j["status"] == "unknown" for j in jobs),
        "terminal_jobs": completed + failed,
        "terminal_success_rate_pct": (100.0 * completed / (completed + failed)) if completed + failed else None,
        "avg_lifecycle_seconds_completed": (sum(lifecycles) / len(lifecycles)) if lifecycles else None,
        "p95_lifecycle_seconds_completed": nearest_rank(lifecycles, 0.95),
    }


def group(jobs: list[dict], *keys: str) -> dict:
    groups: dict = defaultdict(list)
    for job in jobs:
        groups[tuple(job[k] for k in keys)].append(job)
    return groups


def _ledger_rank_key(e: dict) -> tuple:
    """README "Bad input", duplicate_ledger_entry: the copy with the newest created_at, then the smallest event type
    (as cleaned), amount and tenant; nulls last."""
    event_type = None if e["event_type"] is None else e["event_type"].strip().lower()
    return (e["created_at"] is None, -(e["created_at"] - _EPOCH) if e["created_at"] is not None else dt.timedelta(0),
            event_type is None, event_type or "", e["amount"] is None, e["amount"] or 0,
            e["tenant_id"] is None, str(e["tenant_id"]) if e["tenant_id"] is not None else "")


def credit_balances(raw_entries: list[dict]) -> dict[str, tuple[int, int]]:
    kept: dict = {}
    for e in raw_entries:
        if e["id"] is not None and (e["id"] not in kept or _ledger_rank_key(e) < _ledger_rank_key(kept[e["id"]])):
            kept[e["id"]] = e
    balances = defaultdict(lambda: [0, 0])
    for e in kept.values():
        if (e["tenant_id"] is None or e["created_at"] is None or is_infinite(e["created_at"]) or e["amount"] is None
                or not 0 < e["amount"] <= MAX_LEDGER_AMOUNT):
            continue
        effect = CREDIT_EFFECT.get((e["event_type"] or "").strip().lower())
        if effect is None:
            continue
        balances[str(e["tenant_id"])][0] += effect[0] * e["amount"]
        balances[str(e["tenant_id"])][1] += effect[1] * e["amount"]
    return {k: (v[0], v[1]) for k, v in balances.items()}


def in_window(ts: dt.datetime, as_of: dt.datetime, hours: int) -> bool:
    return as_of - dt.timedelta(hours=hours) <= ts < as_of
