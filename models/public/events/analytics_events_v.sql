{{ config(post_hook=["{{ create_analytics_events_page_function(this) }}"]) }}

select
    event_id,
    tenant_id,
    user_id,
    source,
    event,
    ts,
    created_day_utc,
    props,
    ip_prefix,
    request_id
from {{ ref('analytics_events_recent') }}
