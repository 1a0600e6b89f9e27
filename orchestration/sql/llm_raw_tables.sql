-- Raw operational tables of the LLM gateway domain (spec 001), as the gateway writes them. The project
-- reads them from the schema named by the dbt var `llm_raw_schema`. No primary keys: a landing copy can
-- repeat a row, and staging resolves that (models/staging/llm/_llm__models.yml).
create schema if not exists {schema};

-- One row per project (an API key scope), owned by a tenant.
create table if not exists {schema}.projects (
    id uuid,
    tenant_id uuid,
    name text,
    created_at timestamptz default now()
);

-- One row per request through the gateway.
create table if not exists {schema}.usage_logs (
    id uuid,                           -- request id
    project_id uuid,                   -- projects.id
    provider text,                     -- openai, anthropic, groq, ...
    model text,                        -- the provider's model name, e.g. gpt-4o
    tokens_input integer,
    tokens_output integer,
    cost_usd numeric(14, 8),           -- what the request cost: 0 when served from the cache
    potential_cost_usd numeric(14, 8), -- what it would have cost without the cache (spec 001); 0 on old rows
    cached boolean,                    -- served from the gateway's cache
    latency_ms integer,                -- time to the response
    status text,                       -- success, error or timeout
    created_at timestamptz,            -- when the request was made
    ingested_at timestamptz default now()  -- when the row landed here; incremental runs read changes by it
);

-- The spec's access paths, then the ones incremental runs read by. Each expression is a column of the staging
-- version view (models/staging/llm/base/base_llm__usage_log_versions.sql; utc_hour in macros/metrics/time.sql): a
-- request id, a delivery's change time, its UTC day and hour. Change one, change both.
create index if not exists usage_logs_project_created_idx on {schema}.usage_logs (project_id, created_at);
create index if not exists usage_logs_created_idx on {schema}.usage_logs (created_at);
create index if not exists usage_logs_ingested_idx on {schema}.usage_logs (ingested_at);
create index if not exists usage_logs_id_idx on {schema}.usage_logs (id);
create index if not exists usage_logs_changed_at_idx on {schema}.usage_logs ((coalesce(ingested_at, created_at)));
create index if not exists usage_logs_created_day_idx on {schema}.usage_logs ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
create index if not exists usage_logs_created_hour_idx on {schema}.usage_logs ((date_trunc('hour', timezone('utc', created_at)) at time zone 'utc'));
