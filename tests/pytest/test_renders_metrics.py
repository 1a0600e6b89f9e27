"""Spec 003: usage_tracking, the render, credit and user activity statistics and the renders data-quality counts
equal an independent computation over the raw rows, after a first build, after the changes a day brings (renders
finishing in place, late renders and account events, re-deliveries, a new day) run incrementally, and after a
--full-refresh. The user agents are classified as the ua-parser and user-agents libraries classify them, on the
sample's clients and a corpus of real ones. The domain is built alone, on a database laid out for spec 003 only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import user_agents
from conftest import ANCHOR, RAW_ENV, Dbt, domain_env, execute, fetch, fresh_database

from orchestration import credit_alerts
from orchestration.project import PROJECT_ROOT
from orchestration.sample_data import RENDERS, SampleSpec, load_sample_data
from orchestration.security import grant_raw_read

SCHEMA = "raw_renders"
SPEC = SampleSpec(seed=9, tenants=30, renders=20_000, days=40, anchor=ANCHOR)
# Spec 003's values ("Telemetry Data Collected"), restated here rather than read from the project's macros.
TYPES, STATUSES = {"image", "video"}, {"pending", "processing", "completed", "failed"}
QUALITIES, PLATFORMS = {"standard", "high", "ultra"}, {"render", "tools", "canvas"}
DIRECTIONS, REFERENCES = {"debit", "credit"}, {"render", "refund", "purchase", "subscription", "bonus"}
ACCOUNT_EVENTS = {"signup", "login", "render", "credit_purchase", "logout"}
ALERT_THRESHOLD = 60  # credits a day (the sample's busiest users spend more on some days)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
# Real clients beyond the sample's: browsers on every kind of device, in-app browsers, old phones, crawlers, tools,
# consoles and TVs, a user agent in capitals, empty ones and one carrying an email.
USER_AGENT_CORPUS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Vivaldi/6.8.3381.46",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; Lenovo TB-J606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/115.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Android 14; Tablet; rv:127.0) Gecko/127.0 Firefox/127.0",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; SM-G973F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.2592.80",
    "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/537.36 (KHTML, like Gecko) Silk/3.68 like Chrome/39.0.2171.93 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/470.0.0.35.91;]",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 338.0.3.18.91 (iPhone14,2; iOS 17_5; en_US; en; scale=3.00; 1170x2532; 621155217)",
    "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
    "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537",
    "Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+",
    "Mozilla/5.0 (PlayStation Vita 3.61) AppleWebKit/537.73 (KHTML, like Gecko) Silk/3.2",
    "Mozilla/5.0 (Linux; U; Android 8.1.0; en-US; Nexus 6P Build/OPM7.190605.005) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.108 UCBrowser/12.11.1.1197 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) figma-desktop/124.1.2 Chrome/124.0.6367.243 Electron/30.1.2 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "curl/8.8.0",
    "python-requests/2.32.3",
    "PostmanRuntime/7.39.0",
    "okhttp/4.12.0",
    "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240605.024)",
    "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
    "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393",
    "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Raspbian Chromium/78.0.3904.108 Chrome/78.0.3904.108 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Thunderbird/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/321.0.649730598 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.3.1 like Chrome/126.0.6478.71 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 9; SHIELD Android TV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; moto g play - 2023) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; U; Android 2.3.6; es-us; GT-S5360L Build/GINGERBREAD) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1",
    "Mozilla/5.0 (Series40; NokiaX2-02/10.90; Profile/MIDP-2.1 Configuration/CLDC-1.1) Gecko/20100401 S40OviBrowser/1.0.2.26.11",
    "MOZILLA/5.0 (WINDOWS NT 10.0; WIN64; X64) APPLEWEBKIT/537.36 (KHTML, LIKE GECKO) CHROME/126.0.0.0 SAFARI/537.36",
    "",
    "-",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 (user jane.doe@example.com)",
]


@pytest.fixture(scope="module")
def renders_db(warehouse):
    settings = fresh_database(warehouse, "renders_check")
    load_sample_data(settings, SCHEMA, SPEC, force=True, log=lambda _m: None, domain=RENDERS)
    # One login per corpus client, so the classification meets every one of them.
    execute(settings, f"""
        insert into {SCHEMA}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
        select md5('corpus:' || agent)::uuid, 'usr_corpus', 'login', '192.0.2.1', agent,
               %(anchor)s::timestamptz - interval '5 days'
        from unnest(%(agents)s::text[]) as agent""", {"anchor": ANCHOR, "agents": USER_AGENT_CORPUS})
    grant_raw_read(settings, SCHEMA)
    dbt = Dbt(settings, ("renders",))  # the other domains off: a database laid out for spec 003 alone
    dbt.env["TA_CREDITS_DAILY_ALERT_THRESHOLD"] = str(ALERT_THRESHOLD)
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


def reference_api_usage(rows: list[dict]) -> dict:
    """(user, day, source platform) -> API calls: renders staging keeps whose sourcePlatform is the API or a plugin."""
    calls: Counter = Counter()
    for render in newest_versions(rows).values():
        if render["user_id"] is None or render["created_at"] is None or not render["finite"]:
            continue
        platform = source_platform(render) or ""
        if platform == "api" or "plugin" in platform:
            calls[(user_key(render["user_id"]), render["created_at"].astimezone(dt.timezone.utc).date(), platform)] += 1
    return dict(calls)


def mart_api_usage(settings) -> dict:
    return {(r["user_id"], r["date"], r["source_platform"]): r["api_calls"]
            for r in fetch(settings, "select * from marts.api_usage_daily")}


def raw_keys(settings) -> list[dict]:
    return fetch(settings, f"select id, user_id, is_active, last_used_at, created_at, revoked_at "
                           f"from {SCHEMA}.plugin_api_keys")


def reference_keys(rows: list[dict]) -> dict:
    """key id -> (owner, active, last use) for the keys with an id and an owner: active when marked so and not
    revoked; a last use before the key existed is no use."""
    keys = {}
    for row in rows:
        if row["id"] is None or row["user_id"] is None:
            continue
        used = row["last_used_at"]
        if used is not None and row["created_at"] is not None and used < row["created_at"]:
            used = None
        keys[row["id"]] = (user_key(row["user_id"]), bool(row["is_active"]) and row["revoked_at"] is None, used)
    return keys


def mart_keys(settings) -> dict:
    return {r["key_id"]: (r["user_id"], r["is_active"], r["last_used_at"])
            for r in fetch(settings, "select * from marts.plugin_api_keys_current")}


def reference_key_quality(rows: list[dict]) -> dict:
    with_id = [r for r in rows if r["id"] is not None]
    return {
        "missing_key_id": len(rows) - len(with_id),
        "older_key_version": len(with_id) - len({r["id"] for r in with_id}),
        "missing_user_id": sum(r["user_id"] is None for r in rows),
        "revoked_but_active": sum(bool(r["is_active"]) and r["revoked_at"] is not None for r in rows),
        "used_before_created": sum(r["last_used_at"] is not None and r["created_at"] is not None
                                   and r["last_used_at"] < r["created_at"] for r in rows),
        "personal_data_in_user_id": sum(bool(r["user_id"] and EMAIL.search(r["user_id"])) for r in rows),
    }


def reference_summary(settings, first: dt.date, last: dt.date, per_user: bool = True) -> dict:
    """user (or 'all') -> spec 003's summary numbers over [first, last], from the raw rows (the references above)."""
    days = (last - first).days + 1
    numbers: dict = {}

    def add(user, name, value):
        key = user if per_user else "all"
        numbers.setdefault(key, Counter())[name] += value

    for (user, day, _, status, _, _), (count, seconds, timed) in reference_render_stats(raw_renders(settings)).items():
        if first <= day <= last:
            add(user, "renders_created", count)
            add(user, "completed_renders", count if status == "completed" else 0)
            add(user, "failed_renders", count if status == "failed" else 0)
            add(user, "seconds", seconds)
            add(user, "timed", timed)
    for (user, day, direction_, _), (_, credits) in reference_credit_stats(raw_transactions(settings)).items():
        if first <= day <= last:
            add(user, "credits_spent" if direction_ == "debit" else "credits_earned", credits)
    for (user, day, _), calls in reference_api_usage(raw_renders(settings)).items():
        if first <= day <= last:
            add(user, "api_calls", calls)
    for user, active, used in reference_keys(raw_keys(settings)).values():
        if active and used is not None and first <= used.astimezone(dt.timezone.utc).date() <= last:
            add(user, "active_api_keys", 1)
    for (user, day, event, _, _), n in reference_user_activity(raw_activity(settings)).items():
        if first <= day <= last and event in ("login", "signup"):
            add(user, event + "s", n)
    if not per_user:
        numbers.setdefault("all", Counter())
    summary = {}
    for user, c in numbers.items():
        finished = c["completed_renders"] + c["failed_renders"]
        summary[user] = {
            "renders_created": c["renders_created"], "completed_renders": c["completed_renders"],
            "failed_renders": c["failed_renders"],
            "success_rate_pct": 100.0 * c["completed_renders"] / finished if finished else None,
            "avg_processing_seconds": c["seconds"] / c["timed"] if c["timed"] else None,
            "credits_spent": c["credits_spent"], "credits_earned": c["credits_earned"],
            "net_credit_balance": c["credits_earned"] - c["credits_spent"],
            "avg_credits_spent_per_day": c["credits_spent"] / days, "api_calls": c["api_calls"],
            "avg_api_calls_per_day": c["api_calls"] / days, "active_api_keys": c["active_api_keys"],
            "logins": c["logins"], "signups": c["signups"]}
    return summary


def close(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9 * max(1, abs(b)))


def reference_month_comparison(settings, as_of: dt.datetime) -> dict:
    """(user, metric) -> (this month, last month, change, change %) at as_of."""
    day = as_of.astimezone(dt.timezone.utc).date()
    this_start = day.replace(day=1)
    last_end = this_start - dt.timedelta(days=1)
    this, last = reference_summary(settings, this_start, day), reference_summary(settings, last_end.replace(day=1), last_end)
    ratios = {"success_rate_pct", "avg_processing_seconds"}
    rows = {}
    for user in set(this) | set(last):
        for metric in next(iter((this or last).values())):
            zero = None if metric in ratios else 0
            t = this.get(user, {}).get(metric, zero)
            l_ = last.get(user, {}).get(metric, zero)
            change = None if t is None or l_ is None else t - l_
            rows[(user, metric)] = (t, l_, change, 100.0 * change / l_ if change is not None and l_ else None)
    return rows


def mart_month_comparison(settings) -> dict:
    return {(r["user_id"], r["metric"]): (r["this_month"], r["last_month"], r["change"], r["change_pct"])
            for r in fetch(settings, "select * from marts.user_month_comparison")}


def assert_same_numbers(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    wrong = {k: (actual[k], expected[k]) for k in expected
             if not all(close(a, b) for a, b in zip(actual[k], expected[k]))}
    assert not wrong, list(wrong.items())[:5]


def client(user_agent: str | None) -> tuple[str, str, str] | None:
    """(browser family, OS family, device class) as the ua-parser and user-agents libraries read a user agent: the
    device class is the first of is_bot, is_tablet, is_mobile, is_pc that holds."""
    if user_agent is None:
        return None
    parsed = user_agents.parse(user_agent)
    device = ("bot" if parsed.is_bot else "tablet" if parsed.is_tablet else "mobile" if parsed.is_mobile
              else "desktop" if parsed.is_pc else "other")
    return parsed.browser.family, parsed.os.family, device


def raw_activity(settings) -> list[dict]:
    return fetch(settings, f"""
        select id, user_id, event_type, user_agent, created_at, isfinite(created_at) as finite
        from {SCHEMA}.account_activity""")


def reference_user_activity(rows: list[dict]) -> dict:
    """(user, day, event type, device class, browser family) -> events, over the account events staging keeps (one
    per id: re-deliveries are the same row again)."""
    activity: Counter = Counter()
    seen: set = set()
    for row in rows:
        if row["id"] is None or row["id"] in seen:
            continue
        seen.add(row["id"])
        if row["user_id"] is None or row["created_at"] is None or not row["finite"]:
            continue
        browser, _, device = client(row["user_agent"]) or ("unknown", None, "unknown")
        activity[(user_key(row["user_id"]), row["created_at"].astimezone(dt.timezone.utc).date(),
                  choice(row["event_type"], ACCOUNT_EVENTS)[0], device, browser)] += 1
    return dict(activity)


def mart_user_activity(settings) -> dict:
    return {(r["user_id"], r["date"], r["event_type"], r["device_class"], r["browser_family"]): r["events"]
            for r in fetch(settings, "select * from marts.user_activity_daily")}


def reference_activity_quality(rows: list[dict]) -> dict:
    counts = row_rules(rows, "missing_activity_id", "duplicate_activity_delivery")
    for row in rows:
        event_type, recased = choice(row["event_type"], ACCOUNT_EVENTS)
        counts["unknown_event_type"] += event_type == "unknown"
        counts["event_type_recased"] += recased
        counts["missing_user_agent"] += row["user_agent"] is None
    return dict(counts)


def all_quality(settings) -> dict:
    return {**{("renders", rule): n for rule, n in reference_quality(raw_renders(settings)).items()},
            **{("credit_transactions", rule): n
               for rule, n in reference_credit_quality(raw_transactions(settings)).items()},
            **{("account_activity", rule): n
               for rule, n in reference_activity_quality(raw_activity(settings)).items()},
            **{("plugin_api_keys", rule): n for rule, n in reference_key_quality(raw_keys(settings)).items()}}


def classified_user_agents(settings) -> dict:
    """Every distinct raw user agent -> (browser family, OS family, device class) as staging classified it."""
    rows = fetch(settings, f"""
        select agents.user_agent, classes.browser_family, classes.os_family, classes.device_class
        from (select distinct user_agent from {SCHEMA}.account_activity where user_agent is not null) as agents
        left join staging.base_renders__user_agents as classes on md5(agents.user_agent) = classes.user_agent_key""")
    return {r["user_agent"]: (r["browser_family"], r["os_family"], r["device_class"]) for r in rows}


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


def test_user_agents_are_classified_as_the_libraries_classify_them(renders_db):
    """uap-core's parsers run in PostgreSQL (seeds/user_agent_parsers.csv) and the device class rules
    (macro user_agent_device_class) give every client of the sample and of the corpus what ua-parser and user-agents
    give it in Python."""
    settings, _ = renders_db
    classified = classified_user_agents(settings)
    assert set(USER_AGENT_CORPUS) <= set(classified)
    expected = {agent: client(agent) for agent in classified}
    assert classified == expected
    assert {device for _, _, device in expected.values()} == {"bot", "tablet", "mobile", "desktop", "other"}


def test_user_activity_equals_the_raw_account_events(renders_db):
    settings, _ = renders_db
    activity = mart_user_activity(settings)
    assert activity == reference_user_activity(raw_activity(settings))
    assert {key[2] for key in activity} == ACCOUNT_EVENTS | {"unknown"}
    assert {key[3] for key in activity} >= {"desktop", "mobile", "tablet", "bot", "other", "unknown"}


def test_api_usage_equals_the_raw_renders_and_adds_up_to_usage_tracking(renders_db):
    settings, _ = renders_db
    calls = mart_api_usage(settings)
    assert calls == reference_api_usage(raw_renders(settings))
    assert {key[2] for key in calls} >= {"api", "figma-plugin", "photoshop-plugin", "blender-plugin"}
    per_day: Counter = Counter()
    for (user, day, _), n in calls.items():
        per_day[(user, day)] += n
    assert {key: n for key, n in per_day.items()} == {
        key: api for key, (_, _, api) in mart_usage(settings).items() if api}


def test_plugin_keys_equal_the_raw_keys(renders_db):
    settings, _ = renders_db
    keys = mart_keys(settings)
    assert keys == reference_keys(raw_keys(settings))
    assert {active for _, active, _ in keys.values()} == {True, False}


def test_this_month_against_last_month_equals_the_raw_rows(renders_db):
    settings, _ = renders_db
    comparison = mart_month_comparison(settings)
    assert_same_numbers(comparison, reference_month_comparison(settings, ANCHOR))
    # At the sample's end (00:00 on June 1st) this month has no renders yet; the incremental test below has both.
    assert sum(last for (_, metric), (_, last, _, _) in comparison.items() if metric == "renders_created") > 1000
    # Each number says how it is defined, the same words for every user (a BI tool shows them beside the numbers).
    described = fetch(settings, "select distinct metric, metric_description from marts.user_month_comparison")
    assert len(described) == len({row["metric"] for row in described}) == 14
    definition = {row["metric"]: row["metric_description"] for row in described}
    assert "completed / (completed + failed)" in definition["success_rate_pct"]


def test_server_actions_answer_spec_003s_numbers_for_a_date_range(renders_db):
    """get_analytics_data and its three tabs, called by the superuser here (every user's numbers; test_security calls
    them as user logins), against the raw rows."""
    settings, _ = renders_db
    first, last = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    expected = reference_summary(settings, first, last, per_user=False)["all"]
    data = fetch(settings, "select public.get_analytics_data(%s, %s) as d", (first, last))[0]["d"]
    renders, credits, api = data["renderStats"], data["creditStats"], data["apiUsageStats"]
    assert (renders["total"], renders["completed"], renders["failed"]) == (
        expected["renders_created"], expected["completed_renders"], expected["failed_renders"])
    assert close(renders["successRate"], expected["success_rate_pct"])
    assert close(renders["avgProcessingTime"], expected["avg_processing_seconds"])
    assert sum(renders["byType"].values()) == sum(renders["byPlatform"].values()) == expected["renders_created"]
    assert (credits["totalSpent"], credits["totalEarned"], credits["netBalance"]) == (
        expected["credits_spent"], expected["credits_earned"], expected["net_credit_balance"])
    assert close(credits["averagePerDay"], expected["credits_spent"] / 31)
    assert sum(d["spent"] for d in credits["daily"]) == expected["credits_spent"]
    assert sum(d["earned"] for d in credits["daily"]) == expected["credits_earned"]
    by_type: Counter = Counter()
    for (_, day, direction_, reference), (_, amount) in reference_credit_stats(raw_transactions(settings)).items():
        if first <= day <= last:
            by_type[(reference, "spent" if direction_ == "debit" else "earned")] += amount
    assert {(reference, side): n for reference, sides in credits["byType"].items() for side, n in sides.items()
            if n} == {key: n for key, n in by_type.items() if n}
    assert (api["totalCalls"], api["activeKeys"]) == (expected["api_calls"], expected["active_api_keys"])
    assert sum(api["byPlatform"].values()) == sum(d["calls"] for d in api["daily"]) == expected["api_calls"]
    assert (data["userActivity"]["logins"], data["userActivity"]["signups"]) == (expected["logins"], expected["signups"])
    assert sum(d["renders"] for d in data["dailyUsage"]) == expected["renders_created"]
    assert len(data["dailyUsage"]) == 31
    empty = fetch(settings, "select public.get_render_stats('1990-01-01', '1990-01-31') as d")[0]["d"]
    assert empty["total"] == 0 and empty["successRate"] is None and empty["byType"] == {}


def reference_credit_alerts(settings) -> dict:
    """(user, day) -> credits spent, for the user-days spending more than the threshold."""
    spent: Counter = Counter()
    for (user, day, direction_, _), (_, credits) in reference_credit_stats(raw_transactions(settings)).items():
        if direction_ == "debit":
            spent[(user, day)] += credits
    return {key: n for key, n in spent.items() if n > ALERT_THRESHOLD}


def mart_credit_alerts(settings) -> dict:
    return {(r["user_id"], r["date"]): r["credits_spent"]
            for r in fetch(settings, "select * from marts.credit_spend_alerts")}


def test_credit_alerts_record_each_user_day_over_the_threshold_once(renders_db):
    settings, _ = renders_db
    alerts = mart_credit_alerts(settings)
    assert alerts == reference_credit_alerts(settings) and alerts
    thresholds = fetch(settings, "select distinct threshold from marts.credit_spend_alerts")
    assert thresholds == [{"threshold": ALERT_THRESHOLD}]


def test_no_ip_address_or_user_agent_passes_staging(renders_db):
    """Issue 25: staging drops the IP and reduces the user agent; no model a reader gets (staging views, marts) has
    either, and no built table holds a raw user agent."""
    settings, _ = renders_db
    columns = fetch(settings, """
        select table_schema, table_name, column_name from information_schema.columns
        where table_schema in ('staging', 'intermediate', 'marts') and table_name ~ 'renders|activity|user_agent'
          and column_name in ('ip', 'ip_address', 'ip_prefix', 'user_agent')""")
    assert columns == [{"table_schema": "staging", "table_name": "base_renders__account_activity_versions",
                        "column_name": "user_agent"}], columns


def test_data_quality_counts_every_messy_row(renders_db):
    settings, _ = renders_db
    expected = all_quality(settings)
    assert mart_quality(settings) == expected
    # The sample plants every kind (test_renders_sample_data).
    assert not [rule for rule, n in expected.items() if n == 0], expected


def test_a_days_changes_apply_incrementally_and_equal_a_full_refresh(renders_db):
    """Renders finishing in place (pending or processing to completed, a later updated_at), creation times corrected
    in place (a render moving to another day), renders that land late for the day before, re-deliveries of the last
    two days' renders and a new day: after an incremental run the marts equal the raw rows computed again, and a
    --full-refresh gives the same tables."""
    settings, dbt = renders_db
    changed = ANCHOR + dt.timedelta(hours=2)
    execute(settings, f"""
        update {SCHEMA}.renders set status = 'completed', processing_time = 42, updated_at = %(changed)s
        where lower(trim(status)) in ('pending', 'processing')""", {"changed": changed})
    # One row per id: nothing but int_renders__render_days remembers the day a corrected render counted on before.
    moved = fetch(settings, f"""
        update {SCHEMA}.renders set created_at = created_at - interval '10 days', updated_at = %(changed)s
        where created_at > %(anchor)s::timestamptz - interval '11 days'
          and created_at <= %(anchor)s::timestamptz - interval '10 days' and abs(hashtext(id::text)) %% 4 = 0
        returning 1 as moved""", {"changed": changed, "anchor": ANCHOR})
    assert moved
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
    # Account events (appended: their time is their change time, so a late one is read within the lookback): logins
    # landing late for the day before from a client never seen before (classified by the incremental run), re-deliveries of the last two days' events and a new day's events.
    execute(settings, f"""
        insert into {SCHEMA}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
        select md5('late login:' || id)::uuid, user_id, 'login', '198.51.100.7',
               'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
               created_at - interval '30 hours'
        from {SCHEMA}.account_activity
        where created_at > %(anchor)s::timestamptz - interval '1 day' and abs(hashtext(id::text)) %% 30 = 0""",
            {"anchor": ANCHOR})
    execute(settings, f"""
        insert into {SCHEMA}.account_activity select * from {SCHEMA}.account_activity
        where created_at > %(anchor)s::timestamptz - interval '2 days' and abs(hashtext(id::text)) %% 50 = 1""",
            {"anchor": ANCHOR})
    execute(settings, f"""
        insert into {SCHEMA}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
        select md5('new day:' || id)::uuid, user_id, event_type, ip_address, user_agent, created_at + interval '1 day'
        from {SCHEMA}.account_activity
        where created_at > %(anchor)s::timestamptz - interval '1 day' and created_at <= %(anchor)s""",
            {"anchor": ANCHOR})
    # A new day's credit transactions: the last day's again, three times the amount (busy users go over the alert
    # threshold).
    execute(settings, f"""
        insert into {SCHEMA}.credit_transactions (id, user_id, type, amount, reference_type, reference_id, created_at)
        select md5('new day:' || id)::uuid, user_id, type, 3 * amount, reference_type, reference_id,
               created_at + interval '1 day'
        from {SCHEMA}.credit_transactions
        where created_at > %(anchor)s::timestamptz - interval '1 day' and created_at <= %(anchor)s""",
            {"anchor": ANCHOR})
    # Keys change in place: one revoked, the others used again.
    execute(settings, f"""
        update {SCHEMA}.plugin_api_keys set is_active = false, revoked_at = %(changed)s
        where id = (select min(id::text)::uuid from {SCHEMA}.plugin_api_keys where revoked_at is null)""",
            {"changed": changed})
    execute(settings, f"update {SCHEMA}.plugin_api_keys set last_used_at = %(changed)s where revoked_at is null",
            {"changed": changed})
    alerts_before = mart_credit_alerts(settings)
    later = (changed + dt.timedelta(days=1)).isoformat()
    started = dt.datetime.now(dt.timezone.utc)
    dbt("build", "--select", "tag:renders", as_of=later)
    # Alerts: the days the changes pushed over the threshold are added, once; the Dagster check's query finds exactly
    # those as this run's.
    alerts = mart_credit_alerts(settings)
    assert alerts == {**reference_credit_alerts(settings), **alerts_before}
    new = credit_alerts.new_alerts(settings, started)
    assert {(a.user_id, a.date): a.credits_spent for a in new} == {
        key: n for key, n in alerts.items() if key not in alerts_before}
    assert new and all(a.threshold == ALERT_THRESHOLD and a.user_id in a.line() for a in new)
    rows = raw_renders(settings)
    incremental = (mart_usage(settings), mart_render_stats(settings), mart_credit_stats(settings),
                   mart_user_activity(settings), mart_api_usage(settings), mart_keys(settings))
    assert incremental == (reference_usage(rows), reference_render_stats(rows),
                           reference_credit_stats(raw_transactions(settings)),
                           reference_user_activity(raw_activity(settings)), reference_api_usage(rows),
                           reference_keys(raw_keys(settings)))
    assert mart_quality(settings) == all_quality(settings)
    classified = classified_user_agents(settings)
    assert classified == {agent: client(agent) for agent in classified}
    comparison = mart_month_comparison(settings)
    assert_same_numbers(comparison, reference_month_comparison(settings, dt.datetime.fromisoformat(later)))
    assert any(this and last for (_, metric), (this, last, _, _) in comparison.items() if metric == "renders_created")
    dbt("build", "--select", "tag:renders", "--full-refresh", as_of=later)
    assert mart_credit_alerts(settings) == alerts, "a full refresh keeps the alert history"
    assert (mart_usage(settings), mart_render_stats(settings), mart_credit_stats(settings),
            mart_user_activity(settings), mart_api_usage(settings), mart_keys(settings)) == incremental


def test_a_dagster_run_alerts_on_a_users_credits_over_the_threshold(renders_db, tmp_path):
    """The renders job, as `materialize --domain renders` runs it: a user spending more than the threshold today is
    recorded, and the asset check credit_spend_alerts warns and hands exactly that alert to the configured notifier
    (that a run alerts only on the rows it added is the check's query, credit_alerts.new_alerts, tested above).
    Last in the module: it builds at the real time."""
    settings, _ = renders_db
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    spent_at = max(now - dt.timedelta(minutes=20), now.replace(hour=0, minute=0, second=0))  # today, UTC
    each = ALERT_THRESHOLD // 2 + 1
    execute(settings, f"""
        insert into {SCHEMA}.credit_transactions (id, user_id, type, amount, reference_type, reference_id, created_at)
        select md5('alert-probe:' || k)::uuid, 'usr_alert_probe', 'debit', -%s, 'render', null,
               %s::timestamptz + make_interval(secs => k)
        from generate_series(1, 2) as k""", (each, spent_at.isoformat()))
    out = tmp_path / "alerts.jsonl"
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, **settings.as_env(), **RAW_ENV, **domain_env(("renders",)), "DAGSTER_HOME": str(home),
           "TA_CREDITS_DAILY_ALERT_THRESHOLD": str(ALERT_THRESHOLD), "TA_CREDIT_NOTIFIER": "quota_notifier_probe:record",
           "TA_TEST_NOTIFIER_OUT": str(out), "PYTHONPATH": str(Path(__file__).parent)}
    result = subprocess.run([sys.executable, "-m", "orchestration.cli", "materialize", "--domain", "renders",
                             "--as-of", now.isoformat()], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "credit_spend_alerts: Alerts on the users" in output, output[-3000:]
    alerts = [json.loads(line) for line in out.read_text().splitlines()]
    assert alerts == [{"user_id": "usr_alert_probe", "date": str(spent_at.date()), "credits_spent": 2 * each,
                       "threshold": ALERT_THRESHOLD}]
