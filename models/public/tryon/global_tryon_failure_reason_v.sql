select
    failure_reason_normalized,
    total_failures,
    provider_expired_failures,
    tenants_affected,
    share_of_failures_pct,
    first_seen_day_utc,
    last_seen_day_utc
from {{ ref('global_tryon_failure_reason') }}
