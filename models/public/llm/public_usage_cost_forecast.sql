{{ config(alias='usage_cost_forecast') }}

select
    project_id,
    tenant_id,
    month_start,
    as_of,
    month_to_date_requests,
    month_to_date_cost_usd,
    hours_elapsed,
    hours_in_month,
    projected_month_cost_usd
from {{ ref('usage_cost_forecast') }}
