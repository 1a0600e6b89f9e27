{{ config(alias='analytics_quota_exceeded') }}

select
    tenant_id,
    metric,
    date,
    count_when_detected,
    limit_when_detected,
    detected_at
from {{ ref('analytics_quota_exceeded') }}
