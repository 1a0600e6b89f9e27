{{ config(alias='analytics_quota_limits') }}

select
    tenant_id,
    metric,
    daily_limit,
    limit_source,
    set_at
from {{ ref('analytics_quota_limits') }}
