-- Every raw render row (a version of a render) renamed, with its change time and UTC creation day. No window
-- function: a filter on the change time, the day or the id reaches the raw table's indexes
-- (orchestration/sql/renders_raw_tables.sql). base_renders__renders reads it.
select
    id as render_id,
    user_id,
    type,
    status,
    quality,
    platform,
    metadata,
    credits_cost,
    processing_time,
    created_at,
    updated_at,
    -- A render row's change time: when it last changed, else when it was created.
    coalesce(updated_at, created_at) as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc
from {{ source('renders', 'renders') }}
