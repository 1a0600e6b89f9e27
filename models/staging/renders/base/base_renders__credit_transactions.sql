-- Every raw credit transaction row (re-deliveries included), typed and normalised, with one flag per data-quality rule
-- and version_rank. No row is dropped here: stg_renders__credit_transactions applies the rules, renders_data_quality
-- counts them.
with versions as (
    select * from {{ ref('base_renders__credit_transaction_versions') }}
),

normalised as (
    select
        transaction_id,
        {{ pseudonymize_user_id('user_id') }} as user_id,
        {{ has_pii('user_id') }} as has_pii_in_user_id,
        type as raw_type,
        {{ credit_direction('type', 'amount') }} as direction,
        amount,
        reference_type as raw_reference_type,
        {{ normalized_choice('reference_type', credit_reference_types(), otherwise='other') }} as reference_type,
        {{ scrub_pii('reference_id') }} as reference_id,
        created_at,
        source_changed_at,
        created_day_utc
    from versions
),

flagged as (
    select
        *,
        transaction_id is null as is_missing_transaction_id,
        user_id is null as is_missing_user_id,
        created_at is null or {{ is_infinite_time('created_at') }} as is_missing_created_at,
        amount is null or amount = 0 as is_missing_amount,
        coalesce(lower(trim(raw_type)) not in {{ sql_list(credit_directions()) }}, true) as is_unknown_type,
        coalesce(lower(trim(raw_type)) in {{ sql_list(credit_directions()) }} and raw_type <> lower(trim(raw_type)),
                 false) as is_type_recased,
        coalesce((direction = 'debit' and amount > 0) or (direction = 'credit' and amount < 0), false)
            as is_amount_sign_mismatch,
        reference_type = 'other' as is_unknown_reference_type,
        row_number() over (
            partition by transaction_id
            order by
                created_at desc nulls last,
                amount nulls last,
                raw_type nulls last,
                raw_reference_type nulls last,
                user_id nulls last
        ) as version_rank
    from normalised
)

select * from flagged
