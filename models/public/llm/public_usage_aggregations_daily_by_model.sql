{{ config(alias='usage_aggregations_daily_by_model') }}

select
    project_id,
    tenant_id,
    date,
    provider,
    model,
    {{ llm_kpi_columns() }}
from {{ ref('usage_aggregations_daily_by_model') }}
