-- One row per credit ledger entry with a tenant, a time and a positive amount.
with entries as (
    select * from {{ ref('base_tryon__credit_ledger_entries') }}
),

final as (
    select
        ledger_entry_id,
        tenant_id,
        event_type,
        raw_amount as amount,
        job_id,
        created_at
    from entries
    where
        version_rank = 1
        and not is_missing_ledger_entry_id
        and not is_missing_tenant_id
        and not is_missing_created_at
        and not is_infinite_time
        and not is_invalid_amount
)

select * from final
