-- Raw operational tables of the renders domain (spec 003, "Data Sources"): renders, credit transactions, account
-- activity and plugin API keys. The spec lists their fields but gives no DDL; this is the layout the project reads,
-- every column described. In the application database they live in `public`; the project reads them from the schema
-- named by the dbt var `renders_raw_schema` ($TA_RENDERS_RAW_SCHEMA, else raw_renders).
--
-- The spec's fifth table, usage_tracking (daily aggregates the application upserts), is not read: the project
-- builds it (marts.usage_tracking) from these four, so it is right after a late or corrected row too. Like the other
-- domains' landing copies, no primary or foreign keys: a row delivered twice or a user missing elsewhere can arrive
-- here, and staging handles both. Every analytic is user-scoped (spec 003, "Notes"); user ids are the application's
-- (text).
create schema if not exists {schema};

-- One row per render; the application updates it in place as it moves pending -> processing -> completed or
-- failed (updated_at says when it last changed).
create table if not exists {schema}.renders (
    id uuid,                   -- the render's id
    user_id text,              -- who asked for it
    type text,                 -- image or video
    status text,               -- pending, processing, completed or failed
    quality text,              -- standard, high or ultra
    platform text,             -- where it was made: render (the web app), tools or canvas
    metadata jsonb,            -- an object: sourcePlatform (web, api or <name>-plugin: where the render came from),
                               -- pluginVersion (plugins) and userAgent (the client's)
    credits_cost integer,      -- credits the render cost
    processing_time integer,   -- seconds from the start of processing to completion or failure; null until then
    created_at timestamptz default now(),
    updated_at timestamptz default now()
);

-- One row per credit movement, appended: a render's cost (debit), a refund for a failed render, a purchase, a
-- subscription's monthly credits or a bonus (credits). Debits carry a negative amount.
create table if not exists {schema}.credit_transactions (
    id uuid,                   -- the transaction's id
    user_id text,              -- whose balance it moves
    type text,                 -- debit (spent) or credit (earned)
    amount integer,            -- credits: negative for a debit, positive for a credit
    reference_type text,       -- render, refund, purchase, subscription or bonus
    reference_id text,         -- the render, payment or subscription it refers to (a render's id for render and
                               -- refund)
    created_at timestamptz default now()
);

-- One row per account event, appended (spec 003's sign-ups and logins come from here).
create table if not exists {schema}.account_activity (
    id uuid,                   -- the event's id
    user_id text,              -- whose account
    event_type text,           -- signup, login, render, credit_purchase or logout
    ip_address text,           -- the client's IP address (personal data: never read past staging)
    user_agent text,           -- the client's user agent (staging keeps its browser family and device class only)
    created_at timestamptz default now()
);

-- One row per plugin API key; the application updates it in place (last_used_at on use, is_active and revoked_at on
-- revocation). The key itself is not here.
create table if not exists {schema}.plugin_api_keys (
    id uuid,                   -- the key's id
    user_id text,              -- the key's owner
    name text,                 -- the owner's label for it
    is_active boolean,         -- false once revoked
    last_used_at timestamptz,  -- the last call made with it; null if never used
    created_at timestamptz default now(),
    revoked_at timestamptz     -- when it was revoked; null while active
);

-- The project's access paths (one per line: the loader builds them after a bulk load). Incremental runs find what
-- changed by change time (a render's updated_at, else created_at; an appended row's created_at), then every version
-- of a changed id, and whole UTC creation days; the statistics read a user's rows over a period.
create index if not exists renders_id_idx on {schema}.renders (id);
create index if not exists renders_changed_at_idx on {schema}.renders ((coalesce(updated_at, created_at)));
create index if not exists renders_created_day_idx on {schema}.renders ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
create index if not exists renders_user_created_idx on {schema}.renders (user_id, created_at);
create index if not exists credit_transactions_id_idx on {schema}.credit_transactions (id);
create index if not exists credit_transactions_created_at_idx on {schema}.credit_transactions (created_at);
create index if not exists credit_transactions_created_day_idx on {schema}.credit_transactions ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
create index if not exists account_activity_id_idx on {schema}.account_activity (id);
create index if not exists account_activity_created_at_idx on {schema}.account_activity (created_at);
create index if not exists account_activity_created_day_idx on {schema}.account_activity ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
