{{
    config(
        materialized='incremental',
        unique_key='created_day_utc',
        incremental_strategy='delete+insert',
        indexes=[
            {'columns': ['created_day_utc', 'tenant_id'], 'unique': true},
        ],
    )
}}

with entries as (
    select
        *,
        {{ utc_day('created_at') }} as created_day_utc
    from {{ ref('stg_tryon__credit_ledger_entries') }}
    {% if is_incremental() %}
        where {{ changed_since_last_run('created_at', 'last_source_created_at') }}
    {% endif %}
),

{% if is_incremental() %}
-- Ledger entries are append-only: the changed rows above name the days to recompute; read those days whole.
affected_entries as (
    select
        *,
        {{ utc_day('created_at') }} as created_day_utc
    from {{ ref('stg_tryon__credit_ledger_entries') }}
    where {{ utc_day('created_at') }} in (select distinct created_day_utc from entries)
),
{% else %}
affected_entries as (
    select * from entries
),
{% endif %}

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
    from affected_entries as e
    left join event_types as t on e.event_type = t.event_type
    group by e.tenant_id, e.created_day_utc
)

select * from final
