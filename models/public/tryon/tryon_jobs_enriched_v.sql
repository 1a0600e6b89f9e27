select
    job_id as id,
    tenant_id,
    status,
    model,
    created_at,
    updated_at,
    failure_reason_normalized,
    credits_charged,
    created_day_utc,
    lifecycle_seconds,
    is_completed,
    is_failed,
    is_provider_expired,
    is_in_flight,
    is_credits_charged
from {{ ref('int_tryon__jobs_enriched') }}
