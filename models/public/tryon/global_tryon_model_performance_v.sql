select
    model,
    tenants_using_model,
    {{ tryon_kpi_columns() }},
    credits_charged,
    first_job_day_utc,
    last_job_day_utc
from {{ ref('global_tryon_model_performance') }}
