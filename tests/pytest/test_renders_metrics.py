"""Spec 003 (issue 25, in progress: the domain is off unless TA_RENDERS_ENABLED=true): usage_tracking and the
renders data-quality counts equal an independent computation over the raw rows, after a first build, after the
changes a day brings (renders finishing in place, late renders, re-deliveries, a new day) run incrementally, and
after a --full-refresh. The domain is built alone, on a database laid out for spec 003 only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter

import pytest
from conftest import ANCHOR, Dbt, execute, fetch, fresh_database

from orchestration.sample_data import RENDERS, SampleSpec, load_sample_data
from orchestration.security import grant_raw_read

SCHEMA = "raw_renders"
SPEC = SampleSpec(seed=9, tenants=30, renders=20_000, days=40, anchor=ANCHOR)
# Spec 003's values ("Telemetry Data Collected"), restated here rather than read from the project's macros.
TYPES, STATUSES = {"image", "video"}, {"pending", "processing", "completed", "failed"}
QUALITIES, PLATFORMS = {"standard", "high", "ultra"}, {"render", "tools", "canvas"}
DIRECTIONS, REFERENCES = {"debit", "credit"}, {"render", "refund", "purchase", "subscription", "bonus"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)


@pytest.fixture(scope="module")
def renders_db(warehouse):
    settings = fresh_database(warehouse, "renders_check")
    load_sample_data(settings, SCHEMA, SPEC, force=True, log=lambda _m: None, domain=RENDERS)
    grant_raw_read(settings, SCHEMA)
    dbt = Dbt(settings, ())  # every finished domain off: a database laid out for spec 003 alone
    dbt.env["TA_RENDERS_ENABLED"] = "true"
    dbt("build", "--select", "tag:renders", "--full-refresh")
    return settings, dbt


def user_key(raw: str) -> str:
    """A user id as the marts hold it: one that is an email becomes user_<md5 of it>."""
    return "user_" + hashlib.md5(raw.encode()).hexdigest() if EMAIL.search(raw) else raw


def raw_renders(settings) -> list[dict]:
    rows = fetch(settings, f"""
        select id, user_id, type, status, quality, platform, metadata::text as metadata, credits_cost,
               processing_time, created_at, updated_at, isfinite(created_at) as finite
        from {SCHEMA}.renders""")
    for row in rows:
        # SQL null (no metadata) and JSON null (metadata that is not an object) differ: the text tells them apart.
        row["has_metadata"] = row["metadata"] is not None
        row["metadata"] = None if row["metadata"] is None else json.loads(row["metadata"])
    return rows


def source_platform(render: dict) -> str | None:
    metadata = render["metadata"]
    value = metadata.get("sourcePlatform") if isinstance(metadata, dict) else None
    return value.strip().lower() or None if isinstance(value, str) else None


def newest_versions(rows: list[dict]) -> dict:
    """render id -> its newest row (by updated_at; re-deliveries are the same row twice)."""
    newest: dict = {}
    for row in rows:
        if row["id"] is None:
            continue
        kept = newest.get(row["id"])
        if kept is None or (row["updated_at"] or dt.datetime.min.replace(tzinfo=dt.timezone.utc)) > (
                kept["updated_at"] or dt.datetime.min.replace(tzinfo=dt.timezone.utc)):
            newest[row["id"]] = row
    return newest


def reference_usage(rows: list[dict]) -> dict:
    """(user, UTC day) -> (renders created, credits spent, API calls) over the renders staging keeps."""
    usage: dict = {}
    for render in newest_versions(rows).values():
        if render["user_id"] is None or render["created_at"] is None or not render["finite"]:
            continue
        key = (user_key(render["user_id"]), render["created_at"].astimezone(dt.timezone.utc).date())
        created, credits, calls = usage.get(key, (0, 0, 0))
        cost = render["credits_cost"] if render["credits_cost"] is not None and render["credits_cost"] >= 0 else 0
        platform = source_platform(render) or ""
        usage[key] = (created + 1, credits + cost, calls + (platform == "api" or "plugin" in platform))
    return usage


def mart_usage(settings) -> dict:
    rows = fetch(settings, "select * from marts.usage_tracking")
    assert all(r["storage_used_bytes"] is None for r in rows), "storage is not tracked (spec 003)"
    return {(r["user_id"], r["date"]): (r["renders_created"], r["credits_spent"], r["api_calls"]) for r in rows}


def reference_render_stats(rows: list[dict]) -> dict:
    """(user, day, type, status, quality, platform group) -> (renders, completed processing seconds, completed renders
    with a processing time)."""
    stats: dict = {}
    for render in newest_versions(rows).values():
        if render["user_id"] is None or render["created_at"] is None or not render["finite"]:
            continue
        status = choice(render["status"], STATUSES)[0]
        platform = source_platform(render) or ""
        group = "plugin" if "plugin" in platform else choice(render["platform"], PLATFORMS)[0]
        key = (user_key(render["user_id"]), render["created_at"].astimezone(dt.timezone.utc).date(),
               choice(render["type"], TYPES)[0], status, choice(render["quality"], QUALITIES)[0], group)
        seconds = render["processing_time"]
        timed = status == "completed" and seconds is not None and seconds >= 0
        count, total, n = stats.get(key, (0, 0, 0))
        stats[key] = (count + 1, total + (seconds if timed else 0), n + timed)
    return stats


def mart_render_stats(settings) -> dict:
    return {(r["user_id"], r["date"], r["render_type"], r["status"], r["quality"], r["platform_group"]):
            (r["renders"], r["completed_processing_seconds"], r["completed_timed_renders"])
            for r in fetch(settings, "select * from marts.render_stats_daily")}


def choice(raw, allowed: set) -> tuple[str, bool]:
    """(the normalised value or 'unknown', whether a known value was written otherwise)."""
    value = raw.strip().lower() if isinstance(raw, str) else None
    return (value, value != raw) if value in allowed else ("unknown", False)


def row_rules(rows: list[dict], missing_id: str, repeated_id: str) -> Counter:
    """The rules every raw table has: rows without an id, rows repeating an id (all but one per id), rows without a
    user, rows without a (finite) creation time, user ids that are personal data."""
    with_id = [r for r in rows if r["id"] is not None]
    counts: Counter = Counter({missing_id: len(rows) - len(with_id),
                               repeated_id: len(with_id) - len({r["id"] for r in with_id})})
    for row in rows:
        counts["missing_user_id"] += row["user_id"] is None
        counts["missing_created_at"] += row["created_at"] is None or not row["finite"]
        counts["personal_data_in_user_id"] += bool(row["user_id"] and EMAIL.search(row["user_id"]))
    return counts


def reference_quality(rows: list[dict]) -> dict:
    counts = row_rules(rows, "missing_render_id", "older_render_version")
    for row in rows:
        recased = False
        for rule, column, allowed in (("unknown_type", "type", TYPES), ("unknown_status", "status", STATUSES),
                                      ("unknown_quality", "quality", QUALITIES),
                                      ("unknown_platform", "platform", PLATFORMS)):
            value, written_otherwise = choice(row[column], allowed)
            counts[rule] += value == "unknown"
            recased = recased or written_otherwise
        counts["value_recased"] += recased
        metadata = row["metadata"]
        is_object = isinstance(metadata, dict)
        counts["metadata_not_object"] += row["has_metadata"] and not is_object
        counts["source_platform_missing"] += (is_object or not row["has_metadata"]) and source_platform(row) is None
        counts["negative_processing_time"] += row["processing_time"] is not None and row["processing_time"] < 0
        counts["invalid_credits_cost"] += row["credits_cost"] is None or row["credits_cost"] < 0
    return dict(counts)


def raw_transactions(settings) -> list[dict]:
    return fetch(settings, f"""
        select id, user_id, type, amount, reference_type, created_at, isfinite(created_at) as finite
        from {SCHEMA}.credit_transactions""")


def direction(row: dict) -> str | None:
    """The transaction's type when it is debit or credit, else its amount's sign."""
    kind = row["type"].strip().lower() if isinstance(row["type"], str) else None
    if kind in DIRECTIONS:
        return kind
    return None if not row["amount"] else ("debit" if row["amount"] < 0 else "credit")


def reference_credit_stats(rows: list[dict]) -> dict:
    """(user, day, direction, reference type) -> (transactions, credits) over the transactions staging keeps."""
    stats: dict = {}
    seen: set = set()
    for row in rows:
        if row["id"] is None or row["id"] in seen:
            continue
        seen.add(row["id"])
        if row["user_id"] is None or row["created_at"] is None or not row["finite"] or not row["amount"]:
            continue
        reference = row["reference_type"].strip().lower() if isinstance(row["reference_type"], str) else None
        key = (user_key(row["user_id"]), row["created_at"].astimezone(dt.timezone.utc).date(), direction(row),
               reference if reference in REFERENCES else "other")
        count, credits = stats.get(key, (0, 0))
        stats[key] = (count + 1, credits + abs(row["amount"]))
    return stats


def mart_credit_stats(settings) -> dict:
    return {(r["user_id"], r["date"], r["direction"], r["reference_type"]): (r["transactions"], r["credits"])
            for r in fetch(settings, "select * from marts.credit_stats_daily")}


def reference_credit_quality(rows: list[dict]) -> dict:
    counts = row_rules(rows, "missing_transaction_id", "duplicate_transaction_delivery")
    for row in rows:
        kind = row["type"].strip().lower() if isinstance(row["type"], str) else None
        counts["missing_amount"] += not row["amount"]
        counts["unknown_type"] += kind not in DIRECTIONS
        counts["type_recased"] += kind in DIRECTIONS and kind != row["type"]
        counts["amount_sign_mismatch"] += bool(row["amount"]) and (
            (direction(row) == "debit" and row["amount"] > 0) or (direction(row) == "credit" and row["amount"] < 0))
        reference = row["reference_type"].strip().lower() if isinstance(row["reference_type"], str) else None
        counts["unknown_reference_type"] += reference not in REFERENCES
    return dict(counts)


def all_quality(settings) -> dict:
    return {**{("renders", rule): n for rule, n in reference_quality(raw_renders(settings)).items()},
            **{("credit_transactions", rule): n
               for rule, n in reference_credit_quality(raw_transactions(settings)).items()}}


def mart_quality(settings) -> dict:
    return {(r["source_table"], r["rule"]): r["affected_rows"]
            for r in fetch(settings, "select source_table, rule, affected_rows from marts.renders_data_quality")}


def test_usage_tracking_equals_the_raw_renders(renders_db):
    settings, _ = renders_db
    usage = mart_usage(settings)
    assert usage == reference_usage(raw_renders(settings))
    assert sum(calls for _, _, calls in usage.values()) > 0


def test_render_stats_equal_the_raw_renders(renders_db):
    settings, _ = renders_db
    stats = mart_render_stats(settings)
    assert stats == reference_render_stats(raw_renders(settings))
    assert {key[5] for key in stats} >= {"render", "tools", "canvas", "plugin", "unknown"}


def test_credit_stats_equal_the_raw_transactions(renders_db):
    settings, _ = renders_db
    stats = mart_credit_stats(settings)
    assert stats == reference_credit_stats(raw_transactions(settings))
    assert {key[3] for key in stats} == REFERENCES | {"other"}


def test_data_quality_counts_every_messy_row(renders_db):
    settings, _ = renders_db
    expected = all_quality(settings)
    assert mart_quality(settings) == expected
    # The sample plants every kind (test_renders_sample_data).
    assert not [rule for rule, n in expected.items() if n == 0], expected


def test_a_days_changes_apply_incrementally_and_equal_a_full_refresh(renders_db):
    """Renders finishing in place (pending or processing to completed, a later updated_at), renders that land late
    for the day before, re-deliveries of the last two days' renders and a new day: after an incremental run the marts
    equal the raw rows computed again, and a --full-refresh gives the same tables."""
    settings, dbt = renders_db
    changed = ANCHOR + dt.timedelta(hours=2)
    execute(settings, f"""
        update {SCHEMA}.renders set status = 'completed', processing_time = 42, updated_at = %(changed)s
        where lower(trim(status)) in ('pending', 'processing')""", {"changed": changed})
    execute(settings, f"""
        insert into {SCHEMA}.renders (id, user_id, type, status, quality, platform, metadata, credits_cost,
                                      processing_time, created_at, updated_at)
        select md5('late:' || id)::uuid, user_id, type, 'completed', quality, platform,
               jsonb_build_object('sourcePlatform', 'api'), credits_cost, 10, created_at - interval '30 hours',
               %(changed)s
        from {SCHEMA}.renders
        where created_at > %(anchor)s::timestamptz - interval '3 days' and abs(hashtext(id::text)) %% 40 = 0""",
            {"changed": changed, "anchor": ANCHOR})
    execute(settings, f"""
        insert into {SCHEMA}.renders select * from {SCHEMA}.renders
        where created_at > %(anchor)s::timestamptz - interval '2 days' and abs(hashtext(id::text)) %% 50 = 1""",
            {"anchor": ANCHOR})
    execute(settings, f"""
        insert into {SCHEMA}.renders (id, user_id, type, status, quality, platform, metadata, credits_cost,
                                      processing_time, created_at, updated_at)
        select md5('new day:' || id)::uuid, user_id, type, 'pending', quality, platform, metadata, credits_cost, null,
               created_at + interval '1 day', created_at + interval '1 day'
        from {SCHEMA}.renders
        where created_at > %(anchor)s::timestamptz - interval '1 day' and created_at <= %(anchor)s""",
            {"anchor": ANCHOR})
    later = (changed + dt.timedelta(days=1)).isoformat()
    dbt("build", "--select", "tag:renders", as_of=later)
    rows = raw_renders(settings)
    incremental = mart_usage(settings), mart_render_stats(settings), mart_credit_stats(settings)
    assert incremental == (reference_usage(rows), reference_render_stats(rows),
                           reference_credit_stats(raw_transactions(settings)))
    assert mart_quality(settings) == all_quality(settings)
    dbt("build", "--select", "tag:renders", "--full-refresh", as_of=later)
    assert (mart_usage(settings), mart_render_stats(settings), mart_credit_stats(settings)) == incremental
