-- One row per tenant with any usage: spec 002's four dashboard KPI cards over the last 30 UTC days at as_of (the
-- month window of analytics_usage_kpis): signups (auth.user.registered), active users (distinct users with a login),
-- completed builds (builder.generate.completed) and API requests (apikey.request). A snapshot, rebuilt each run.
with tenants as (
    select distinct tenant_id from {{ ref('analytics_daily_usage') }}
),

usage as (
    select tenant_id, metric, count
    from {{ ref('analytics_daily_usage') }}
    where {{ in_trailing_days('date', 30) }}
      and metric in ('auth.user.registered', 'builder.generate.completed', 'apikey.request')
),

usage_totals as (
    select
        tenant_id,
        sum(case when metric = 'auth.user.registered' then count else 0 end) as signups,
        sum(case when metric = 'builder.generate.completed' then count else 0 end) as completed_builds,
        sum(case when metric = 'apikey.request' then count else 0 end) as api_requests
    from usage
    group by tenant_id
),

active_users as (
    select tenant_id, count(distinct user_id) as active_users
    from {{ ref('int_events__user_logins_daily') }}
    where {{ in_trailing_days('created_day_utc', 30) }}
    group by tenant_id
),

final as (
    select
        t.tenant_id,
        {{ as_of() }} as as_of_at,
        cast(coalesce(u.signups, 0) as bigint) as signups_30d,
        cast(coalesce(a.active_users, 0) as bigint) as active_users_30d,
        cast(coalesce(u.completed_builds, 0) as bigint) as completed_builds_30d,
        cast(coalesce(u.api_requests, 0) as bigint) as api_requests_30d
    from tenants as t
    left join usage_totals as u on t.tenant_id = u.tenant_id
    left join active_users as a on t.tenant_id = a.tenant_id
)

select * from final
