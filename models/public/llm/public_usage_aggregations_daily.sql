{{
    config(
        alias='usage_aggregations_daily',
        post_hook=["{{ create_get_dashboard_stats(this) }}"],
    )
}}

select
    project_id,
    tenant_id,
    date,
    {{ llm_kpi_columns() }},
    p95_latency_ms,
    requests_by_provider,
    requests_by_model
from {{ ref('usage_aggregations_daily') }}
