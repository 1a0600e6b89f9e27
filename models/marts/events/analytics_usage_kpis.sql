-- One row per tenant and metric with usage in the last 30 UTC days: spec 002's /api/analytics/metrics numbers at
-- as_of. today, week and month are whole UTC days ending with as_of's day: 1, 7 and 30 of them (README, "Product
-- events"). A snapshot, rebuilt each run from analytics_daily_usage (30 days of it, through its date index).
with usage as (
    select tenant_id, date, metric, count
    from {{ ref('analytics_daily_usage') }}
    where {{ in_trailing_days('date', 30) }}
),

final as (
    select
        tenant_id,
        metric,
        {{ as_of() }} as as_of_at,
        cast(sum(case when {{ in_trailing_days('date', 1) }} then count else 0 end) as bigint) as today,
        cast(sum(case when {{ in_trailing_days('date', 7) }} then count else 0 end) as bigint) as week,
        cast(sum(count) as bigint) as month
    from usage
    group by tenant_id, metric
)

select * from final
