select
    created_day_utc,
    tenants_with_jobs,
    {{ tryon_kpi_columns() }},
    credits_charged
from {{ ref('global_tryon_daily') }}
