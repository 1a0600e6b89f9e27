{{ config(alias='usage_aggregations_hourly') }}

select
    project_id,
    tenant_id,
    hour_start,
    {{ llm_kpi_columns() }},
    p95_latency_ms,
    requests_by_provider,
    requests_by_model
from {{ ref('usage_aggregations_hourly') }}
