"""Spec 003's raw tables and sample generator (orchestration/sql/renders_*.sql; issue 25): the rows have the shapes
the spec names (every type, status, quality, platform, plugin source, credit reference and activity event), the users
behave like users (sign-ups every day, a quarter never render, plugin users hold API keys, nothing happens before a
user signs up), every kind of messy row the staging rules will have to handle is there, and the same spec gives
the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ANCHOR, fetch, fresh_database

from orchestration.sample_data import RENDERS, SampleSpec, load_sample_data

SCHEMA = "raw_renders"
SPEC = SampleSpec(seed=7, tenants=30, renders=20_000, days=40, anchor=ANCHOR)


def one(settings, query: str) -> int:
    return fetch(settings, query)[0]["n"]


@pytest.fixture(scope="module")
def renders_raw(warehouse):
    settings = fresh_database(warehouse, "analytics_renders_sample")
    load_sample_data(settings, SCHEMA, SPEC, force=True, log=lambda _m: None, domain=RENDERS)
    return settings


def values(settings, table: str, column: str) -> set:
    return {r["v"] for r in fetch(settings, f"select distinct {column} as v from {SCHEMA}.{table}")}


def test_every_value_the_spec_names_is_generated(renders_raw):
    assert values(renders_raw, "renders", "type") >= {"image", "video"}
    assert values(renders_raw, "renders", "status") >= {"pending", "processing", "completed", "failed"}
    assert values(renders_raw, "renders", "quality") >= {"standard", "high", "ultra"}
    assert values(renders_raw, "renders", "platform") >= {"render", "tools", "canvas"}
    sources = values(renders_raw, "renders", "metadata->>'sourcePlatform'")
    assert {"web", "api"} <= sources and any(s and s.endswith("-plugin") for s in sources)
    assert values(renders_raw, "credit_transactions", "type") >= {"debit", "credit"}
    assert (values(renders_raw, "credit_transactions", "reference_type")
            >= {"render", "refund", "purchase", "subscription", "bonus"})
    assert (values(renders_raw, "account_activity", "event_type")
            >= {"signup", "login", "render", "credit_purchase", "logout"})
    assert values(renders_raw, "plugin_api_keys", "is_active") == {True, False}


def test_users_sign_up_every_day_and_a_long_tail_never_renders(renders_raw):
    signups = fetch(renders_raw, f"""
        select count(distinct created_at::date) as days, count(distinct id) as n from {SCHEMA}.account_activity
        where lower(event_type) = 'signup'""")[0]  # a few sign-ups are delivered twice (one id)
    assert signups["n"] == max(50, SPEC.renders // 25) and signups["days"] >= SPEC.days
    idle = one(renders_raw, f"""
        select count(distinct a.id) as n from {SCHEMA}.account_activity as a
        where lower(a.event_type) = 'signup'
          and not exists (select 1 from {SCHEMA}.renders as r where r.user_id = a.user_id)""")
    assert 0.15 * signups["n"] < idle < 0.4 * signups["n"]
    per_user = [r["n"] for r in fetch(renders_raw, f"""
        select count(*) as n from {SCHEMA}.renders where user_id is not null group by user_id order by 1 desc""")]
    assert per_user[0] > 20 * per_user[len(per_user) // 2], "a few users render far more than the median one"


def test_nothing_happens_before_its_user_signs_up_and_plugin_users_hold_keys(renders_raw):
    early = one(renders_raw, f"""
        select count(*) as n from {SCHEMA}.renders as r
        join {SCHEMA}.account_activity as s on s.user_id = r.user_id and lower(s.event_type) = 'signup'
        where r.created_at < s.created_at""")
    assert early == 0
    keyless_plugin_users = one(renders_raw, f"""
        select count(distinct r.user_id) as n from {SCHEMA}.renders as r
        where r.metadata->>'sourcePlatform' like '%-plugin'
          and not exists (select 1 from {SCHEMA}.plugin_api_keys as k where k.user_id = r.user_id)""")
    assert keyless_plugin_users == 0
    unfinished = fetch(renders_raw, f"""
        select count(*) as n, max(created_at) as newest, count(processing_time) as timed from {SCHEMA}.renders
        where lower(trim(status)) in ('pending', 'processing')""")[0]
    assert unfinished["n"] > 0 and unfinished["timed"] == 0
    assert unfinished["newest"] <= ANCHOR and unfinished["newest"] > ANCHOR - dt.timedelta(minutes=10)


MESSY = [
    ("unknown quality", "select count(*) as n from {s}.renders where quality not in ('standard', 'high', 'ultra')"),
    ("unknown platform", "select count(*) as n from {s}.renders where platform not in ('render', 'tools', 'canvas')"),
    ("unknown status", "select count(*) as n from {s}.renders where lower(trim(status)) not in "
                       "('pending', 'processing', 'completed', 'failed')"),
    ("status or type in other cases", "select count(*) as n from {s}.renders where status <> lower(trim(status)) "
                                      "or type <> lower(type)"),
    ("metadata not an object", "select count(*) as n from {s}.renders where jsonb_typeof(metadata) <> 'object'"),
    ("metadata without keys", "select count(*) as n from {s}.renders where metadata = '{{}}'::jsonb"),
    ("no metadata", "select count(*) as n from {s}.renders where metadata is null"),
    ("negative processing time", "select count(*) as n from {s}.renders where processing_time < 0"),
    ("render without a user", "select count(*) as n from {s}.renders where user_id is null"),
    ("render without an id", "select count(*) as n from {s}.renders where id is null"),
    ("render without a creation time", "select count(*) as n from {s}.renders where created_at is null"),
    ("an email as the user id", "select count(*) as n from {s}.renders where user_id like '%@example.com'"),
    ("transaction without an id, a user or a time", "select count(*) as n from {s}.credit_transactions "
                                                    "where id is null or user_id is null or created_at is null"),
    ("render delivered twice", "select count(*) - count(distinct id) as n from {s}.renders"),
    ("transaction delivered twice", "select count(id) - count(distinct id) as n from {s}.credit_transactions"),
    ("unknown render type", "select count(*) as n from {s}.renders where lower(type) not in ('image', 'video')"),
    ("missing or negative credits cost", "select count(*) as n from {s}.renders "
                                         "where credits_cost is null or credits_cost < 0"),
    ("debit with a positive sign", "select count(*) as n from {s}.credit_transactions "
                                   "where lower(type) = 'debit' and amount > 0"),
    ("credit type in capitals", "select count(*) as n from {s}.credit_transactions where type <> lower(type)"),
    ("unknown credit type", "select count(*) as n from {s}.credit_transactions where lower(type) not in ('debit', 'credit')"),
    ("no amount", "select count(*) as n from {s}.credit_transactions where amount is null"),
    ("unknown reference type", "select count(*) as n from {s}.credit_transactions where reference_type not in "
                               "('render', 'refund', 'purchase', 'subscription', 'bonus')"),
    ("unknown activity", "select count(*) as n from {s}.account_activity where lower(event_type) not in "
                         "('signup', 'login', 'render', 'credit_purchase', 'logout')"),
    ("activity without a user", "select count(*) as n from {s}.account_activity where user_id is null"),
    ("an IP that is not an address", "select count(*) as n from {s}.account_activity where ip_address = 'unknown'"),
    ("an IPv6 address", "select count(*) as n from {s}.account_activity where ip_address like '%:%'"),
    ("activity delivered twice", "select count(id) - count(distinct id) as n from {s}.account_activity"),
    ("activity without an id or a time", "select count(*) as n from {s}.account_activity "
                                         "where id is null or created_at is null"),
    ("activity type in other cases", "select count(*) as n from {s}.account_activity "
                                     "where event_type <> lower(trim(event_type))"),
    ("activity without a user agent", "select count(*) as n from {s}.account_activity where user_agent is null"),
    ("a crawler, a tablet and a script among the clients", "select count(distinct user_agent) filter (where "
                                                          "user_agent ~ 'Googlebot|iPad|python-requests') - 2 as n "
                                                          "from {s}.account_activity"),
    ("a user agent carrying an email", "select count(*) as n from {s}.renders "
                                       "where metadata->>'userAgent' like '%@example.com%'"),
    ("a revoked key still active", "select count(*) as n from {s}.plugin_api_keys "
                                   "where is_active and revoked_at is not null"),
    ("a key without an id or an owner", "select count(*) as n from {s}.plugin_api_keys "
                                        "where id is null or user_id is null"),
    ("a key delivered twice", "select count(id) - count(distinct id) as n from {s}.plugin_api_keys"),
    ("an email as an account event's user", "select count(*) as n from {s}.account_activity "
                                            "where user_id like '%@example.com'"),
    ("a key used before it was made", "select count(*) as n from {s}.plugin_api_keys where last_used_at < created_at"),
]


@pytest.mark.parametrize("rule, query", MESSY, ids=[rule for rule, _ in MESSY])
def test_every_kind_of_messy_row_is_there(renders_raw, rule, query):
    assert one(renders_raw, query.format(s=SCHEMA)) > 0, rule


def test_the_same_spec_gives_the_same_rows(warehouse, renders_raw):
    again = fresh_database(warehouse, "analytics_renders_sample_again")
    load_sample_data(again, SCHEMA, SPEC, force=True, log=lambda _m: None, domain=RENDERS)
    for table in RENDERS.tables:
        digest = f"select md5(string_agg(t::text, '|' order by t::text)) as n from {SCHEMA}.{table} as t"
        assert one(again, digest) == one(renders_raw, digest), table
