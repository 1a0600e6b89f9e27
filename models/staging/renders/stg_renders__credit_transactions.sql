-- One row per credit transaction with an id, a user, a time, an amount and a direction: its first delivery, the
-- credits moved as a positive number and the direction from its type (base_renders__credit_transactions' rules).
with transactions as (
    select * from {{ ref('base_renders__credit_transactions') }}
),

final as (
    select
        transaction_id,
        user_id,
        direction,
        abs(amount) as credits,
        reference_type,
        reference_id,
        created_at,
        {{ utc_day('created_at') }} as created_day_utc,
        source_changed_at
    from transactions
    where
        version_rank = 1
        and not is_missing_transaction_id
        and not is_missing_user_id
        and not is_missing_created_at
        and not is_missing_amount
)

select * from final
