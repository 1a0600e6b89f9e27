{{ config(alias='analytics_kpi_cards') }}

select
    tenant_id,
    as_of_at,
    signups_30d,
    active_users_30d,
    completed_builds_30d,
    api_requests_30d
from {{ ref('analytics_kpi_cards') }}
