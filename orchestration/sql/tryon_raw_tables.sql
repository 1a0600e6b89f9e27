-- Raw operational tables of the try-on domain, exactly as spec 000 names them.
-- In the application database these live in `public`; the project reads them from the schema named by
-- the dbt var `tryon_raw_schema`. No primary keys: landing copies of operational tables can repeat rows,
-- and staging resolves that (see models/staging/tryon/_tryon__models.yml).
create schema if not exists {schema};

create table if not exists {schema}.tenants (
    id uuid,
    shop_domain text,
    created_at timestamptz default now()
);

create table if not exists {schema}.tryon_jobs (
    id uuid,
    tenant_id uuid,
    status text,
    model text,
    created_at timestamptz,
    updated_at timestamptz,
    failure_reason_normalized text,
    credits_charged integer
);

-- The spec leaves the ledger's amount columns open; this project defines them (README, "Credits"):
-- one row per credit movement, `amount` a positive number of credits, `event_type` one of
-- grant, purchase, reserve, release, charge, refund (seeds/credit_event_types.csv gives each its effect).
create table if not exists {schema}.credit_ledgers (
    id uuid,
    tenant_id uuid,
    event_type text,
    amount integer,
    job_id uuid,
    created_at timestamptz
);

-- The spec's indexes, then the ones incremental runs read by. Each expression is a column of the staging version
-- views (models/staging/tryon/base/base_tryon__job_versions.sql, base_tryon__credit_ledger_versions.sql; macro
-- version_day in macros/incremental/changes.sql): an entity id, a row's change time, its UTC day. Change one,
-- change both.
create index if not exists tryon_jobs_tenant_status_created_idx on {schema}.tryon_jobs (tenant_id, status, created_at);
create index if not exists tryon_jobs_tenant_model_created_idx on {schema}.tryon_jobs (tenant_id, model, created_at);
create index if not exists tryon_jobs_status_created_idx on {schema}.tryon_jobs (status, created_at);
create index if not exists tryon_jobs_failure_reason_idx on {schema}.tryon_jobs (failure_reason_normalized);
create index if not exists tryon_jobs_updated_at_idx on {schema}.tryon_jobs (updated_at);
create index if not exists credit_ledgers_tenant_event_created_idx on {schema}.credit_ledgers (tenant_id, event_type, created_at);
create index if not exists credit_ledgers_created_at_idx on {schema}.credit_ledgers (created_at);
create index if not exists tryon_jobs_id_idx on {schema}.tryon_jobs (id);
create index if not exists tryon_jobs_changed_at_idx on {schema}.tryon_jobs ((coalesce(updated_at, created_at)));
create index if not exists credit_ledgers_id_idx on {schema}.credit_ledgers (id);
create index if not exists tryon_jobs_created_day_idx on {schema}.tryon_jobs ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
create index if not exists credit_ledgers_created_day_idx on {schema}.credit_ledgers ((coalesce(cast(timezone('utc', created_at) as date), cast('1900-01-01' as date))));
