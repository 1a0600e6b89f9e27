-- Every raw usage log row (a delivery of a request) renamed, with its change time, UTC creation day and hour. No
-- window function: a filter on the change time, the day, the hour or the id reaches the raw table's indexes
-- (orchestration/sql/llm_raw_tables.sql), which is how int_llm__changed_units finds what changed.
-- base_llm__usage_logs reads it.
select
    id as request_id,
    project_id,
    provider,
    model,
    tokens_input,
    tokens_output,
    cost_usd,
    potential_cost_usd,
    cached,
    latency_ms,
    status,
    created_at,
    ingested_at,
    -- A delivery's change time: when it landed, else when the request was made.
    coalesce(ingested_at, created_at) as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc,
    {{ utc_hour('created_at') }} as hour_start
from {{ source('llm', 'usage_logs') }}
