-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__credit_transaction_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'credit_transactions',
                          ['user_id', 'date', 'direction', 'reference_type'])) }}

-- One row per user, UTC day, direction (debit: spent, credit: earned) and reference type with at least one credit
-- transaction: the mergeable sums behind spec 003's credit statistics (total spent, total earned, net balance,
-- average spent per day, the breakdown by category, daily credit usage), which any period sums. Incremental by day.
with transactions as (
    select user_id, created_day_utc, direction, reference_type, credits, source_changed_at
    from {{ ref('stg_renders__credit_transactions') }}
    {% if is_incremental() %}
        where {{ in_recomputed_entities('transaction_id', ref('base_renders__credit_transaction_versions'),
                                        'created_day_utc') }}
    {% endif %}
),

final as (
    select
        user_id,
        created_day_utc as date,
        direction,
        reference_type,
        cast(count(*) as bigint) as transactions,
        cast(sum(credits) as bigint) as credits,
        max(source_changed_at) as last_source_changed_at
    from transactions
    group by user_id, created_day_utc, direction, reference_type
)

select * from final
