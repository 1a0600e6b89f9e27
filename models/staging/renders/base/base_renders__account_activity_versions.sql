-- Every raw account_activity row (a delivery of an account event) renamed, with its change time and UTC day. No
-- window function: a filter on the change time, the day or the id reaches the raw table's indexes. Events are
-- appended, never updated: the creation time is the change time. The IP address is not read (spec 003's analytics
-- need none; issue 25: it never passes staging); the user agent is, for base_renders__user_agents to classify.
select
    id as activity_id,
    user_id,
    event_type,
    user_agent,
    created_at,
    created_at as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc
from {{ source('renders', 'account_activity') }}
