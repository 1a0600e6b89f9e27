{{
    config(
        alias='analytics_daily_usage',
        post_hook=["{{ create_analytics_usage_function(this) }}"],
    )
}}

select
    tenant_id,
    date,
    metric,
    count,
    meta
from {{ ref('analytics_daily_usage') }}
