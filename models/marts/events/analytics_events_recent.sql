-- depends_on: {{ ref('int_events__changed_units') }}
{{
    config(**events_by_day_config(
        ['tenant_id', 'ts', 'event_id'],
        day='created_day_utc',
        indexes=[{'columns': ['tenant_id', 'event', 'ts']}],
    ))
}}

-- One row per event of the last var events_list_days UTC days before as_of (and any dated later), as a tenant may
-- see it: spec 002's events list (/api/analytics/events) and CSV export read it, under row-level security. Personal
-- data is gone (staging): props masked, the IP reduced to its network, personal user ids pseudonymised.
with events as (
    select * from {{ ref('stg_events__events') }}
    where created_day_utc > {{ dbt.dateadd('day', -1 * (var('events_list_days') | int), utc_day(as_of())) }}
    {% if is_incremental() %}
        and {{ in_recomputed_units('created_day_utc') }}
    {% endif %}
),

final as (
    select
        event_id,
        tenant_id,
        -- text, as the contract declares (the raw column is varchar(255)): an incremental run's rows compare equal
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(source as {{ dbt.type_string() }}) as source,
        event,
        ts,
        created_day_utc,
        props,
        ip_prefix,
        request_id,
        source_changed_at as last_source_changed_at
    from events
)

select * from final
