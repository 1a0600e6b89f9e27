-- The baseline a user would otherwise have: spec 000's views computed on read from the raw tables, written
-- the way spec 000 describes them (one enriched view, everything else grouping it), spec 001's
-- dashboard stats computed from usage_logs ("Before (Scanning Raw Logs)"), spec 002's daily usage and KPI
-- cards counted from analytics_events, and spec 003's usage and render statistics counted from renders. `make bench`
-- times the same dashboard reads against these and against the project's public views and functions. No
-- de-duplication or data-quality rules: that is part of what the baseline does not do.
-- Parameters: {schema}, {tryon}, {llm}, {events}, {renders}, {as_of}. The part under "-- @domain <name>" runs only
-- when the bench generates that domain.
drop schema if exists {schema} cascade;
create schema {schema};

-- @domain tryon

create or replace view {schema}.tryon_jobs_enriched_v as
select
    j.*,
    (j.created_at at time zone 'utc')::date as created_day_utc,
    case when j.status in ('completed', 'failed', 'provider_expired')
         then greatest(extract(epoch from (j.updated_at - j.created_at)), 0) end as lifecycle_seconds,
    j.status = 'completed' as is_completed,
    j.status in ('failed', 'provider_expired') as is_failed,
    j.status = 'provider_expired' as is_provider_expired,
    j.status in ('queued', 'processing') as is_in_flight,
    j.credits_charged > 0 as is_credits_charged
from {tryon}.tryon_jobs as j;

create or replace view {schema}.tenant_tryon_overview_v as
select
    tenant_id,
    count(*) as total_jobs,
    count(*) filter (where created_at >= {as_of}::timestamptz - interval '24 hours') as jobs_last_24h,
    count(*) filter (where created_at >= {as_of}::timestamptz - interval '7 days') as jobs_last_7d,
    count(*) filter (where is_completed) as completed_jobs,
    count(*) filter (where is_failed) as failed_jobs,
    count(*) filter (where is_provider_expired) as provider_expired_jobs,
    count(*) filter (where is_in_flight) as in_flight_jobs,
    100.0 * count(*) filter (where is_completed)
        / nullif(count(*) filter (where is_completed or is_failed), 0) as terminal_success_rate_pct,
    avg(lifecycle_seconds) filter (where is_completed) as avg_lifecycle_seconds_completed,
    percentile_cont(0.95) within group (order by lifecycle_seconds)
        filter (where is_completed) as p95_lifecycle_seconds_completed
from {schema}.tryon_jobs_enriched_v
group by tenant_id;

create or replace view {schema}.tenant_tryon_daily_v as
select
    tenant_id,
    created_day_utc,
    count(*) as total_jobs,
    count(*) filter (where is_completed) as completed_jobs,
    100.0 * count(*) filter (where is_completed)
        / nullif(count(*) filter (where is_completed or is_failed), 0) as terminal_success_rate_pct,
    avg(lifecycle_seconds) filter (where is_completed) as avg_lifecycle_seconds_completed
from {schema}.tryon_jobs_enriched_v
group by tenant_id, created_day_utc;

create or replace view {schema}.global_tryon_overview_v as
select
    count(distinct tenant_id) as tenants_with_jobs,
    count(distinct tenant_id) filter (where created_at >= {as_of}::timestamptz - interval '30 days')
        as active_tenants_last_30d,
    count(*) as total_jobs,
    count(*) filter (where is_completed) as completed_jobs,
    count(*) filter (where is_failed) as failed_jobs,
    100.0 * count(*) filter (where is_completed)
        / nullif(count(*) filter (where is_completed or is_failed), 0) as terminal_success_rate_pct,
    percentile_cont(0.95) within group (order by lifecycle_seconds)
        filter (where is_completed) as p95_lifecycle_seconds_completed
from {schema}.tryon_jobs_enriched_v;

create or replace view {schema}.global_tryon_daily_v as
select
    created_day_utc,
    count(*) as total_jobs,
    count(*) filter (where is_completed) as completed_jobs,
    100.0 * count(*) filter (where is_completed)
        / nullif(count(*) filter (where is_completed or is_failed), 0) as terminal_success_rate_pct
from {schema}.tryon_jobs_enriched_v
group by created_day_utc;

create or replace view {schema}.global_tryon_failure_reason_v as
select
    failure_reason_normalized,
    count(*) as total_failures,
    count(distinct tenant_id) as tenants_affected
from {schema}.tryon_jobs_enriched_v
where is_failed
group by failure_reason_normalized;

-- @domain llm
-- Spec 001 without aggregates: a project's daily stats straight from the logs ("Before (Scanning Raw Logs)"),
-- returning the same columns as the project's get_dashboard_stats so that both reads move the same rows.
create or replace function {schema}.get_dashboard_stats(p_project_id uuid, p_days integer, p_as_of date)
returns table (date date, total_requests bigint, cached_requests bigint, cache_hit_rate numeric,
               error_requests bigint, total_tokens bigint, total_cost_usd numeric,
               total_potential_cost_usd numeric, total_savings_usd numeric, avg_latency_ms numeric,
               p95_latency_ms double precision, requests_by_provider jsonb, requests_by_model jsonb)
language sql stable as $fn$
    with logs as (
        select (created_at at time zone 'utc')::date as day, *
        from {llm}.usage_logs
        where project_id = p_project_id
          and created_at >= (p_as_of - p_days + 1)::timestamp at time zone 'utc'
          and created_at < (p_as_of + 1)::timestamp at time zone 'utc'
    ),
    by_provider as (
        select day, jsonb_object_agg(provider, n) as requests_by_provider
        from (select day, provider, count(*) as n from logs group by 1, 2) as p
        group by day
    ),
    by_model as (
        select day, jsonb_object_agg(model, n) as requests_by_model
        from (select day, model, count(*) as n from logs group by 1, 2) as m
        group by day
    ),
    days as (
        select day, count(*) as total_requests, count(*) filter (where cached) as cached_requests,
               100.0 * count(*) filter (where cached) / count(*) as cache_hit_rate,
               count(*) filter (where status = 'error') as error_requests,
               -- ::bigint: the spec's integer sum overflows on the int32-maximum token counts the sample plants
               sum(tokens_input::bigint + tokens_output) as total_tokens, sum(cost_usd) as total_cost_usd,
               sum(potential_cost_usd) as total_potential_cost_usd,
               sum(potential_cost_usd - cost_usd) as total_savings_usd, avg(latency_ms) as avg_latency_ms,
               percentile_cont(0.95) within group (order by latency_ms) as p95_latency_ms
        from logs
        group by day
    )
    select days.*, by_provider.requests_by_provider, by_model.requests_by_model
    from days
    join by_provider using (day)
    join by_model using (day)
    order by days.day
$fn$;

-- @domain events
-- Spec 002 without the rollup: a tenant's daily usage (one row per UTC day and event name) and its 30-day KPI cards
-- counted from the raw events at each read, the same columns as the project's views.
create or replace view {schema}.analytics_daily_usage as
select
    tenant_id,
    (ts at time zone 'utc')::date as date,
    event as metric,
    count(*) as count,
    '{{}}'::jsonb as meta
from {events}.analytics_events
group by tenant_id, (ts at time zone 'utc')::date, event;

create or replace view {schema}.analytics_kpi_cards as
select
    tenant_id,
    {as_of}::timestamptz as as_of_at,
    count(*) filter (where event = 'auth.user.registered') as signups_30d,
    count(distinct user_id) filter (where event = 'auth.user.login') as active_users_30d,
    count(*) filter (where event = 'builder.generate.completed') as completed_builds_30d,
    count(*) filter (where event = 'apikey.request') as api_requests_30d
from {events}.analytics_events
where ts > {as_of}::timestamptz - interval '30 days' and ts <= {as_of}::timestamptz
group by tenant_id;

-- @domain renders
-- Spec 003 as its server actions compute it, on read from the raw tables: a user's daily usage (usage_tracking's
-- columns) and getRenderStats for a date range (the platform's: as an admin reads it).
create or replace view {schema}.usage_tracking as
select
    user_id,
    (created_at at time zone 'utc')::date as date,
    count(*) as renders_created,
    coalesce(sum(credits_cost), 0) as credits_spent,
    count(*) filter (where metadata ->> 'sourcePlatform' = 'api' or metadata ->> 'sourcePlatform' like '%-plugin')
        as api_calls,
    null::bigint as storage_used_bytes
from {renders}.renders
group by user_id, (created_at at time zone 'utc')::date;

create or replace function {schema}.get_render_stats(p_from date, p_to date) returns jsonb
language sql stable as $fn$
    with period as (
        select * from {renders}.renders
        where created_at >= p_from::timestamp at time zone 'utc' and created_at < (p_to + 1)::timestamp at time zone 'utc'
    )
    select jsonb_build_object(
        'total', count(*),
        'completed', count(*) filter (where status = 'completed'),
        'failed', count(*) filter (where status = 'failed'),
        'successRate', 100.0 * count(*) filter (where status = 'completed')
            / nullif(count(*) filter (where status in ('completed', 'failed')), 0),
        'avgProcessingTime', avg(processing_time) filter (where status = 'completed'),
        'byType', (select jsonb_object_agg(type, n)
                   from (select type, count(*) as n from period where type is not null group by type) as t),
        'byStatus', (select jsonb_object_agg(status, n)
                     from (select status, count(*) as n from period where status is not null group by status) as s),
        'byQuality', (select jsonb_object_agg(quality, n)
                      from (select quality, count(*) as n from period where quality is not null group by quality) as q),
        'byPlatform', (select jsonb_object_agg(platform, n)
                       from (select platform, count(*) as n from period where platform is not null group by platform)
                       as p))
    from period
$fn$;
