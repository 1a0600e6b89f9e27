-- One row per tenant and quota metric with a limit of its own (an admin's override): the daily limit that replaces
-- the default for that tenant. Tenants without a row here have the defaults (analytics_quota_defaults). A snapshot of
-- analytics_config.tenant_quota_overrides at the build; names that are no quota metric are left out (and counted in
-- events_data_quality).
with overrides as (
    select * from {{ ref('stg_events__quota_overrides') }}
    where not is_unknown_metric
),

defaults as (
    select * from {{ ref('int_events__quota_defaults') }}
),

final as (
    select
        o.tenant_id,
        o.metric,
        {{ effective_quota_limit('o.daily_limit', 'd.daily_limit') }} as daily_limit,
        {{ quota_limit_source('o.daily_limit', 'd.limit_source') }} as limit_source,
        o.set_at
    from overrides as o
    inner join defaults as d on o.metric = d.metric
)

select * from final
