-- depends_on: {{ ref('int_tryon__changed_units') }}
-- depends_on: {{ ref('base_tryon__credit_ledger_versions') }}
{{
    config(**incremental_config(
        unique_key='source_day',
        partition_day='source_day',
        indexes=[
            {'columns': ['source_day'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'credit_ledgers',
            'unit': 'created_day_utc',
            'column': 'source_day',
            'always': "cast('1900-01-01' as date)",
        },
    ))
}}

-- Mergeable data-quality state: for each UTC creation day of raw credit ledger rows (1900-01-01: no creation
-- time), how many rows each rule touched. tryon_data_quality sums these rows. Incremental: as
-- int_tryon__job_rules_daily.
with versions as (
    {{ rows_on_changed_days(ref('base_tryon__credit_ledger_entries'), 'ledger_entry_id',
                            ref('base_tryon__credit_ledger_versions')) }}
),

event_types as (
    select * from {{ ref('credit_event_types') }}
),

final as (
    select
        v.source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("v.is_missing_ledger_entry_id") }} as missing_ledger_entry_id,
        {{ count_rows_where("not v.is_missing_ledger_entry_id and v.version_rank > 1") }} as duplicate_ledger_entry,
        {{ count_rows_where("v.is_missing_tenant_id") }} as missing_tenant_id,
        {{ count_rows_where("v.is_missing_created_at") }} as missing_created_at,
        {{ count_rows_where("v.is_infinite_time") }} as infinite_time,
        {{ count_rows_where("v.is_invalid_amount") }} as invalid_amount,
        {{ count_rows_where("t.event_type is null") }} as unknown_event_type,
        max(v.source_changed_at) as last_source_changed_at
    from versions as v
    left join event_types as t on v.event_type = t.event_type
    group by v.source_day
)

select * from final
