-- One row per event: its first delivery, with a tenant, an id and a time; names normalised and personal data
-- masked by the rules of _events__models.yml.
with events as (
    select * from {{ ref('base_events__events') }}
),

final as (
    select
        event_id,
        tenant_id,
        user_id,
        source,
        event,
        ts,
        {{ utc_day('ts') }} as created_day_utc,
        source_changed_at,
        props,
        ip_prefix,
        request_id
    from events
    where
        version_rank = 1
        and not is_missing_event_id
        and not is_missing_tenant_id
        and not is_missing_ts
)

select * from final
