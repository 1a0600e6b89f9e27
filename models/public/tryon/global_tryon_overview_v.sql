select
    as_of_at,
    tenants_total,
    tenants_with_jobs,
    active_tenants_last_30d,
    jobs_last_24h,
    jobs_last_7d,
    {{ tryon_kpi_columns() }},
    available_credits,
    reserved_or_spent_credits
from {{ ref('global_tryon_overview') }}
