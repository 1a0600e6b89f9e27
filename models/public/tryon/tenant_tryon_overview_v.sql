select
    tenant_id,
    shop_domain,
    as_of_at,
    jobs_last_24h,
    jobs_last_7d,
    {{ tryon_kpi_columns() }},
    available_credits,
    reserved_or_spent_credits
from {{ ref('tenant_tryon_overview') }}
