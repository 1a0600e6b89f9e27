{{ config(alias='analytics_usage_kpis') }}

select
    tenant_id,
    metric,
    as_of_at,
    today,
    week,
    month
from {{ ref('analytics_usage_kpis') }}
