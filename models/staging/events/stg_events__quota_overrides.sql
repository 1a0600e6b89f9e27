-- The per-tenant quota limits admins set (analytics_config.tenant_quota_overrides), the metric name read as quota
-- metrics are written (trimmed, lower case). is_unknown_metric flags a name that is no quota metric of
-- seeds/event_quota_defaults.csv: such a row limits nothing, and events_data_quality counts it.
with overrides as (
    select * from {{ source('events_config', 'tenant_quota_overrides') }}
),

quota_metrics as (
    select metric from {{ ref('event_quota_defaults') }}
),

final as (
    select
        o.tenant_id,
        lower(trim(o.metric)) as metric,
        o.daily_limit,
        o.set_at,
        q.metric is null as is_unknown_metric
    from overrides as o
    left join quota_metrics as q on lower(trim(o.metric)) = q.metric
)

select * from final
