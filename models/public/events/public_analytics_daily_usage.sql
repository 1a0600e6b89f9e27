{{ config(alias='analytics_daily_usage') }}

select
    tenant_id,
    date,
    metric,
    count,
    meta
from {{ ref('analytics_daily_usage') }}
