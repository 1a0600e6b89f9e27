select
    tenant_id,
    model,
    {{ tryon_kpi_columns() }},
    credits_charged,
    first_job_day_utc,
    last_job_day_utc
from {{ ref('tenant_tryon_model_performance') }}
