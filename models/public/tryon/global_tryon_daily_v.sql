select
    created_day_utc,
    tenants_with_jobs,
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
from {{ ref('global_tryon_daily') }}
