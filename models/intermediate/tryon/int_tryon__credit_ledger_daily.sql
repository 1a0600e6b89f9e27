-- depends_on: {{ ref('int_tryon__changed_units') }}
-- depends_on: {{ ref('base_tryon__credit_ledger_versions') }}
{{
    config(**incremental_config(
        unique_key='created_day_utc',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['created_day_utc', 'tenant_id'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'credit_ledgers',
            'unit': 'created_day_utc',
            'column': 'created_day_utc',
            'watermark': 'last_source_created_at',
        },
    ))
}}

-- Incremental: ledger entries are append-only, so entries created since the last run (minus the lookback) name
-- the days to recompute, and those days are read whole, through the raw indexes (macros/incremental/changes.sql).
with entries as (
    select
        *,
        {{ utc_day('created_at') }} as created_day_utc
    from {{ ref('stg_tryon__credit_ledger_entries') }}
    {% if is_incremental() %}
        {%- set changed_days = recomputed_units() %}
        where {{ in_subquery(utc_day('created_at'), changed_days) }}
            and {{ is_entity_in_units('ledger_entry_id', ref('base_tryon__credit_ledger_versions'), 'created_day_utc',
                                      changed_days) }}
    {% endif %}
),

event_types as (
    select * from {{ ref('credit_event_types') }}
),

final as (
    select
        e.tenant_id,
        e.created_day_utc,
        cast(coalesce(sum(e.amount * t.available_credits_sign), 0) as bigint) as available_credits_delta,
        cast(coalesce(sum(e.amount * t.reserved_or_spent_credits_sign), 0) as bigint)
            as reserved_or_spent_credits_delta,
        cast(count(*) as bigint) as ledger_entries,
        cast(sum(case when t.event_type is null then 1 else 0 end) as bigint) as unknown_event_type_entries,
        max(e.created_at) as last_source_created_at
    from entries as e
    left join event_types as t on e.event_type = t.event_type
    group by e.tenant_id, e.created_day_utc
)

select * from final
