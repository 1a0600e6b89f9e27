select
    tenant_id,
    created_day_utc,
    {{ tryon_kpi_columns() }},
    credits_charged
from {{ ref('tenant_tryon_daily') }}
