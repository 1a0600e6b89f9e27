-- Every raw job row (a version of a job) renamed, with its change time and UTC creation day. No window function:
-- a filter on the change time, the day or the id reaches the raw table's indexes (orchestration/sql/tryon_raw_tables.sql),
-- which is how int_tryon__changed_units and int_tryon__jobs_enriched find what changed. base_tryon__jobs reads it.
select
    id as job_id,
    tenant_id,
    status,
    model,
    created_at,
    updated_at,
    failure_reason_normalized,
    credits_charged,
    -- A job row's change time: when it last changed, else when it was created.
    coalesce(updated_at, created_at) as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc
from {{ source('tryon', 'tryon_jobs') }}
