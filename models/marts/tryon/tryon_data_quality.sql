-- One row per data-quality rule of the try-on sources: how many raw rows it touched in this build and
-- what the pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
{%- set job_rules = [
    ('missing_job_id', 'dropped: a job without an id cannot be tracked'),
    ('duplicate_job_version', 'dropped: the version with the newest updated_at is kept'),
    ('missing_created_at', 'dropped: a job without a creation time has no day'),
    ('missing_tenant_id', 'dropped: the job cannot be attributed to a tenant, so it is in no metric'),
    ('unknown_tenant', 'kept: the tenant is missing from tenants; its jobs count under its id (a warning test names it)'),
    ('unknown_status', "kept as status 'unknown': counted in total_jobs and unknown_status_jobs only"),
    ('status_recased', 'normalised: trimmed and lower-cased to a spec status'),
    ('missing_updated_at', 'kept: lifecycle_seconds is null, so the job is left out of lifecycle metrics'),
    ('updated_before_created', 'kept: lifecycle_seconds is clamped to 0 (spec: greatest(..., 0))'),
    ('created_after_as_of', 'kept on its own day; outside every trailing window'),
    ('created_before_plausible_time', 'kept on its own day: created before vars.min_plausible_time (a clock reset to 1970)'),
    ('infinite_time', "dropped when created_at is ±infinity (no day); an infinite updated_at is taken as missing"),
    ('invalid_credits_charged', 'kept: a missing, negative or implausible (above vars.tryon_max_credits_per_job) credits_charged is taken as 0'),
    ('failed_without_reason', "kept: failure_reason_normalized is 'unspecified'"),
    ('personal_data_in_failure_reason', 'kept: emails, phone numbers and IP addresses in the text are masked as [email], [phone], [ipv4], [ipv6]'),
    ('personal_data_in_model', 'kept: personal data in the model name is masked the same way, so the masked name is the model'),
] -%}
{%- set entry_rules = [
    ('missing_ledger_entry_id', 'dropped'),
    ('duplicate_ledger_entry', 'dropped: one copy of each entry id is kept (the newest created_at, README ties)'),
    ('missing_tenant_id', 'dropped: the credits belong to no tenant'),
    ('missing_created_at', 'dropped: the entry has no day'),
    ('infinite_time', 'dropped: a ±infinity created_at has no day'),
    ('invalid_amount', 'dropped: amounts must be positive integers no larger than vars.tryon_max_ledger_amount'),
    ('unknown_event_type', 'kept, with no effect on either balance'),
] -%}

-- The counts per rule come from per-day state (int_tryon__job_rules_daily, int_tryon__ledger_rules_daily), so an
-- incremental run re-reads only the days that changed; the rule definitions live there.
with job_days as (
    select * from {{ ref('int_tryon__job_rules_daily') }}
),

ledger_days as (
    select * from {{ ref('int_tryon__ledger_rules_daily') }}
),

tenants as (
    select * from {{ ref('stg_tryon__tenants') }}
),

jobs as (
    select tenant_id from {{ ref('int_tryon__jobs_enriched') }}
),

job_rules as (
    select
        {{ summed_rule_counts(job_rules, computed_elsewhere=['created_after_as_of', 'unknown_tenant']) }},
        ({{ rows_created_after_as_of(ref('base_tryon__job_versions')) }}) as created_after_as_of,
        (select count(*) from jobs where not exists (
            select 1 from tenants where tenants.tenant_id = jobs.tenant_id)) as unknown_tenant
    from job_days
),

entry_rules as (
    select
        {{ summed_rule_counts(entry_rules) }}
    from ledger_days
),

tenant_rules as (
    select cast(coalesce(sum(copies_in_source - 1), 0) as bigint) as duplicate_tenant
    from tenants
),

final as (
    {{ data_quality_rows([
        ('tryon_jobs', 'job_rules', job_rules),
        ('credit_ledgers', 'entry_rules', entry_rules),
        ('tenants', 'tenant_rules', [('duplicate_tenant', 'dropped: the newest copy of each tenant id is kept')]),
    ]) }}
)

select * from final
