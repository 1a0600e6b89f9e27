-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__credit_transaction_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'credit_transactions', ['source_day'], day='source_day',
                          always="cast('1900-01-01' as date)")) }}

-- Mergeable data-quality state: for each UTC day of raw credit transaction rows (1900-01-01: no time), how many rows
-- each rule of renders_data_quality touched. renders_data_quality sums these rows. Incremental by day.
with versions as (
    {{ rows_on_changed_days(ref('base_renders__credit_transactions'), 'transaction_id',
                            ref('base_renders__credit_transaction_versions')) }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("is_missing_transaction_id") }} as missing_transaction_id,
        {{ count_rows_where("not is_missing_transaction_id and version_rank > 1") }} as duplicate_transaction_delivery,
        {{ count_rows_where("is_missing_user_id") }} as missing_user_id,
        {{ count_rows_where("is_missing_created_at") }} as missing_created_at,
        {{ count_rows_where("is_missing_amount") }} as missing_amount,
        {{ count_rows_where("is_unknown_type") }} as unknown_type,
        {{ count_rows_where("is_type_recased") }} as type_recased,
        {{ count_rows_where("is_amount_sign_mismatch") }} as amount_sign_mismatch,
        {{ count_rows_where("is_unknown_reference_type") }} as unknown_reference_type,
        {{ count_rows_where("has_pii_in_user_id") }} as personal_data_in_user_id,
        max(source_changed_at) as last_source_changed_at
    from versions
    group by source_day
)

select * from final
