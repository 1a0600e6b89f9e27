-- Every raw event row (a delivery of an event) renamed, with its change time and UTC day. No window function: a
-- filter on the change time, the tenant and time, or the id reaches the raw table's indexes
-- (orchestration/sql/events_raw_tables.sql). base_events__events reads it.
select
    id as event_id,
    tenant_id,
    user_id,
    source,
    event,
    ts,
    props,
    ip,
    request_id,
    -- Events are appended, never updated, and carry no landing time: an event's time is its change time. An event
    -- that lands later than incremental_lookback_hours after its time is found by the daily reconciliation.
    ts as source_changed_at,
    {{ version_day('ts') }} as created_day_utc
from {{ source('events', 'analytics_events') }}
