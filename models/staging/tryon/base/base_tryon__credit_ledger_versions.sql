-- Every raw ledger row renamed, with its change time and UTC creation day. No window function: a filter on the
-- change time, the day or the id reaches the raw table's indexes (orchestration/sql/tryon_raw_tables.sql).
-- base_tryon__credit_ledger_entries reads it.
select
    id as ledger_entry_id,
    tenant_id,
    event_type,
    amount,
    job_id,
    created_at,
    -- Ledger entries are append-only: a row's change time is its creation time.
    created_at as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc
from {{ source('tryon', 'credit_ledgers') }}
