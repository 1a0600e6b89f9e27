select
    tenant_id,
    created_day_utc,
    total_jobs,
    completed_jobs,
    failed_jobs,
    provider_expired_jobs,
    in_flight_jobs,
    unknown_status_jobs,
    terminal_jobs,
    terminal_success_rate_pct,
    avg_lifecycle_seconds_completed,
    p95_lifecycle_seconds_completed,
    credits_charged
from {{ ref('tenant_tryon_daily') }}
