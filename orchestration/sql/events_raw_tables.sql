-- Raw operational tables of the product events domain, as spec 002 declares them. In the application database
-- they live in `public`; the project reads them from the schema named by the dbt var `events_raw_schema`
-- ($TA_EVENTS_RAW_SCHEMA, else raw_events). Only analytics_events is read.
--
-- The spec's `id UUID PRIMARY KEY` and `REFERENCES tenants(id)` hold in the application database. This landing copy
-- keeps neither, as the other domains' copies do: a re-delivered event (the same id twice) or an event whose tenant
-- row is missing can arrive here, and staging handles both (models/staging/events/_events__models.yml). The
-- project builds the same on the application's own table, constraints and all.
create schema if not exists {schema};

-- The tenants the events belong to (spec 002 references tenants(id) and addresses a tenant by its slug, the
-- X-Tenant-Slug header). The models do not read it.
create table if not exists {schema}.tenants (
    id uuid,
    slug text,
    created_at timestamptz default now()
);

-- One row per tracked event (spec 002, "Analytics Events"), appended by the application; never updated.
create table if not exists {schema}.analytics_events (
    id uuid,                -- the event's id (spec: primary key; a re-delivery repeats it)
    tenant_id uuid,         -- tenants.id
    user_id varchar(255),   -- the application's user id (text); null for system events
    source varchar(50),     -- app, api, webhook, job, payments, files, builder, agent
    event text not null,    -- domain.action, e.g. auth.user.login
    ts timestamptz default now(),  -- when the event happened
    props jsonb,            -- event properties (spec: "keep props small, avoid PII")
    ip text,                -- the client's IP address (personal data: staging truncates it)
    request_id text         -- the request that caused the event
);

-- The spec's two event indexes ("Database Indexes"; its third is on the analytics_daily_usage mart). Incremental
-- runs find late and re-delivered events per UTC day through the first.
create index if not exists idx_analytics_events_tenant_ts on {schema}.analytics_events (tenant_id, ts);
create index if not exists idx_analytics_events_tenant_event_ts on {schema}.analytics_events (tenant_id, event, ts);
