-- Every raw ledger row, typed and normalised, with one flag per data-quality rule.
with versions as (
    select * from {{ ref('base_tryon__credit_ledger_versions') }}
),

normalised as (
    select
        ledger_entry_id,
        tenant_id,
        event_type as raw_event_type,
        lower(trim(event_type)) as event_type,
        amount as raw_amount,
        job_id,
        created_at,
        source_changed_at
    from versions
),

flagged as (
    select
        *,
        ledger_entry_id is null as is_missing_ledger_entry_id,
        tenant_id is null as is_missing_tenant_id,
        created_at is null as is_missing_created_at,
        -- An infinite creation time has no day: dropped, as a job's.
        {{ is_infinite_time('created_at') }} as is_infinite_time,
        raw_amount is null or raw_amount <= 0
            or raw_amount > {{ var('tryon_max_ledger_amount') | int }} as is_invalid_amount,
        row_number() over (
            partition by ledger_entry_id
            order by created_at desc nulls last, event_type nulls last, raw_amount nulls last,
                cast(tenant_id as {{ dbt.type_string() }}) nulls last
        ) as version_rank
    from normalised
)

select * from flagged
