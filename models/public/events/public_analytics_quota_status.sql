-- depends_on: {{ ref('public_analytics_quota_limits') }}
-- depends_on: {{ ref('analytics_quota_defaults') }}
{{
    config(
        alias='analytics_quota_status',
        post_hook=["{{ create_analytics_quotas_function(this) }}"],
    )
}}

select
    tenant_id,
    date,
    metric,
    current_count,
    daily_limit,
    exceeded,
    usage_pct,
    limit_source
from {{ ref('analytics_quota_status') }}
