{#-
    on-run-start, while the product events domain (spec 002) is on: the table admins write per-tenant quota overrides
    into, analytics_config.tenant_quota_overrides, created idempotently. Admins (var analytics_admin_role) read and
    write it; the dbt role reads it (int_events__quota_limits); no other role sees it. README, "Quotas".
-#}
{% macro events_config_setup() -%}
    {%- if target.type != 'postgres' or not domain_enabled('events') -%}
        select 1
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
    {%- endif -%}
{%- endmacro %}

{#- A domain is on unless its var (or $TA_<DOMAIN>_ENABLED) says false, as dbt_project.yml's +enabled reads it. -#}
{% macro domain_enabled(domain) -%}
    {{ return((var(domain ~ '_enabled', env_var('TA_' ~ domain | upper ~ '_ENABLED', 'true')) | string | lower) == 'true') }}
{%- endmacro %}
