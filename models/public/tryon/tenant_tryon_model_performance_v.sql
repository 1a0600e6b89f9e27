select
    tenant_id,
    model,
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
    credits_charged,
    first_job_day_utc,
    last_job_day_utc
from {{ ref('tenant_tryon_model_performance') }}
