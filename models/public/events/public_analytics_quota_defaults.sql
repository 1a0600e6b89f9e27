{{ config(alias='analytics_quota_defaults') }}

select
    metric,
    daily_limit,
    limit_source
from {{ ref('analytics_quota_defaults') }}
