{#-
    on-run-start, while the product events domain (spec 002) is on, created idempotently: the table admins write
    per-tenant quota overrides into, analytics_config.tenant_quota_overrides (admins read and write it, the dbt role
    reads it: stg_events__quota_overrides), and the export audit analytics_audit.export_requests (admins read it).
    No other role sees either. README, "Quotas" and "Export".
-#}
{% macro events_config_setup() -%}
    {%- if not domain_enabled('events') -%}
        select 1
    {%- elif target.type != 'postgres' -%}
    {#- Another engine (Spark) keeps only the overrides table, empty until someone writes it: no roles, no audit. A
        hook there runs one statement, so the schema comes first, through run_query. -#}
    {%- if execute -%}{%- do run_query('create schema if not exists analytics_config') -%}{%- endif %}
    create table if not exists analytics_config.tenant_quota_overrides (
        tenant_id string, metric string, daily_limit bigint, set_at timestamp, set_by string
    ) using parquet
    {%- else -%}
    {%- set admin = adapter.quote(var('analytics_admin_role')) -%}
    {{ hook_role() }}
    create schema if not exists analytics_config;
    revoke all on schema analytics_config from public;
    comment on schema analytics_config is 'Settings admins write and the models read: per-tenant quota overrides.';
    create table if not exists analytics_config.tenant_quota_overrides (
        tenant_id uuid not null,
        metric text not null,
        daily_limit bigint not null check (daily_limit >= 0),
        set_at timestamptz not null default now(),
        set_by name not null default current_user,
        primary key (tenant_id, metric)
    );
    comment on table analytics_config.tenant_quota_overrides is
        'Spec 002 quotas: a tenant''s own daily limit for a quota metric (api_requests_daily, builds_daily, emails_daily, webhooks_daily, storage_gb), replacing the default. Written by {{ var("analytics_admin_role") }}; read at the next build.';
    revoke all on analytics_config.tenant_quota_overrides from public;
    grant usage on schema analytics_config to {{ admin }};
    grant select, insert, update, delete on analytics_config.tenant_quota_overrides to {{ admin }};

    {#- The spec's audit list: one row per CSV export (orchestration/export.py writes it with the operator's
        connection). Only admins read it. -#}
    create schema if not exists analytics_audit;
    revoke all on schema analytics_audit from public;
    comment on schema analytics_audit is 'Spec 002 audit trail: exports (and, in analytics_audit views, rollups and quota-exceeded events). Admins read it.';
    create table if not exists analytics_audit.export_requests (
        id bigint generated always as identity primary key,
        requested_at timestamptz not null default now(),
        login name not null,
        tenant_id uuid,
        date_from date not null,
        date_to date not null,
        event text,
        source text,
        rows bigint not null check (rows >= 0),
        truncated boolean not null,
        max_rows integer not null,
        requested_by name not null default current_user
    );
    comment on table analytics_audit.export_requests is
        'One row per CSV export of events (tenant-analytics export-events): the tenant login that read, its tenant, the filters, rows written, whether the row cap cut it, when.';
    revoke all on analytics_audit.export_requests from public;
    grant usage on schema analytics_audit to {{ admin }};
    grant select on analytics_audit.export_requests to {{ admin }};
    {%- endif -%}
{%- endmacro %}

{#- A domain is on unless its var (or $TA_<DOMAIN>_ENABLED) says false, as dbt_project.yml's +enabled reads it. -#}
{% macro domain_enabled(domain) -%}
    {{ return((var(domain ~ '_enabled', env_var('TA_' ~ domain | upper ~ '_ENABLED', 'true')) | string | lower) == 'true') }}
{%- endmacro %}
