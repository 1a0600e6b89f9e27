-- depends_on: {{ ref('int_events__changed_units') }}
{{ config(**events_by_day_config(['tenant_id', 'date', 'metric'])) }}

-- One row per tenant, UTC day with any usage, and quota metric: spec 002's quota status (current, limit, exceeded)
-- for every day, the day's usage against the tenant's limit. Incremental by day: a day is judged by the limits of
-- the run that last recomputed it (a changed limit applies to the days recomputed after it; a --full-refresh judges
-- every day by today's limits).
with usage as (
    select tenant_id, date, metric, count, last_source_changed_at
    from {{ ref('analytics_daily_usage') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units('date') }}
    {% endif %}
),

tenant_days as (
    select tenant_id, date, max(last_source_changed_at) as last_source_changed_at
    from usage
    group by tenant_id, date
),

defaults as (
    select * from {{ ref('analytics_quota_defaults') }}
),

limits as (
    select * from {{ ref('analytics_quota_limits') }}
),

final as (
    select
        t.tenant_id,
        t.date,
        d.metric,
        cast(coalesce(u.count, 0) as bigint) as current_count,
        coalesce(l.daily_limit, d.daily_limit) as daily_limit,
        {{ quota_exceeded('coalesce(u.count, 0)', 'coalesce(l.daily_limit, d.daily_limit)') }} as exceeded,
        {{ quota_usage_pct('coalesce(u.count, 0)', 'coalesce(l.daily_limit, d.daily_limit)') }} as usage_pct,
        coalesce(l.limit_source, d.limit_source) as limit_source,
        t.last_source_changed_at
    from tenant_days as t
    cross join defaults as d
    left join usage as u on t.tenant_id = u.tenant_id and t.date = u.date and d.metric = u.metric
    left join limits as l on t.tenant_id = l.tenant_id and d.metric = l.metric
)

select * from final
