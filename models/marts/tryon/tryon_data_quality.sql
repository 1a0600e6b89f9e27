-- One row per data-quality rule of the try-on sources: how many raw rows it touched in this build and
-- what the pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
with jobs as (
    select * from {{ ref('base_tryon__jobs') }}
),

entries as (
    select * from {{ ref('base_tryon__credit_ledger_entries') }}
),

tenants as (
    select * from {{ ref('stg_tryon__tenants') }}
),

event_types as (
    select * from {{ ref('credit_event_types') }}
),

job_rules as (
    select
        cast(sum(case when is_missing_job_id then 1 else 0 end) as bigint) as missing_job_id,
        cast(sum(case when not is_missing_job_id and version_rank > 1 then 1 else 0 end) as bigint)
            as duplicate_job_version,
        cast(sum(case when is_missing_created_at then 1 else 0 end) as bigint) as missing_created_at,
        cast(sum(case when is_missing_tenant_id then 1 else 0 end) as bigint) as missing_tenant_id,
        cast(sum(case when is_unknown_status then 1 else 0 end) as bigint) as unknown_status,
        cast(sum(case when is_status_recased then 1 else 0 end) as bigint) as status_recased,
        cast(sum(case when is_missing_updated_at then 1 else 0 end) as bigint) as missing_updated_at,
        cast(sum(case when is_updated_before_created then 1 else 0 end) as bigint) as updated_before_created,
        cast(sum(case when created_at > {{ as_of() }} then 1 else 0 end) as bigint) as created_after_as_of,
        cast(sum(case when is_invalid_credits_charged then 1 else 0 end) as bigint) as invalid_credits_charged,
        cast(sum(case when status = 'failed' and raw_failure_reason is null then 1 else 0 end) as bigint)
            as failed_without_reason,
        cast(sum(case when has_pii_in_failure_reason then 1 else 0 end) as bigint) as personal_data_in_failure_reason
    from jobs
),

entry_rules as (
    select
        cast(sum(case when is_missing_ledger_entry_id then 1 else 0 end) as bigint) as missing_ledger_entry_id,
        cast(sum(case when not is_missing_ledger_entry_id and version_rank > 1 then 1 else 0 end) as bigint)
            as duplicate_ledger_entry,
        cast(sum(case when is_missing_tenant_id then 1 else 0 end) as bigint) as missing_tenant_id,
        cast(sum(case when is_missing_created_at then 1 else 0 end) as bigint) as missing_created_at,
        cast(sum(case when is_invalid_amount then 1 else 0 end) as bigint) as invalid_amount,
        cast(sum(case when t.event_type is null then 1 else 0 end) as bigint) as unknown_event_type
    from entries as e
    left join event_types as t on e.event_type = t.event_type
),

tenant_rules as (
    select cast(coalesce(sum(copies_in_source - 1), 0) as bigint) as duplicate_tenant
    from tenants
),

{%- set job_rules = [
    ('missing_job_id', 'dropped: a job without an id cannot be tracked'),
    ('duplicate_job_version', 'dropped: the version with the newest updated_at is kept'),
    ('missing_created_at', 'dropped: a job without a creation time has no day'),
    ('missing_tenant_id', 'dropped: the job cannot be attributed to a tenant, so it is in no metric'),
    ('unknown_status', "kept as status 'unknown': counted in total_jobs and unknown_status_jobs only"),
    ('status_recased', 'normalised: trimmed and lower-cased to a spec status'),
    ('missing_updated_at', 'kept: lifecycle_seconds is null, so the job is left out of lifecycle metrics'),
    ('updated_before_created', 'kept: lifecycle_seconds is clamped to 0 (spec: greatest(..., 0))'),
    ('created_after_as_of', 'kept on its own day; outside every trailing window'),
    ('invalid_credits_charged', 'kept: credits_charged is taken as 0'),
    ('failed_without_reason', "kept: failure_reason_normalized is 'unspecified'"),
    ('personal_data_in_failure_reason', 'kept: emails, phone numbers and IP addresses in the text are masked as [email], [phone], [ipv4], [ipv6]'),
] -%}
{%- set entry_rules = [
    ('missing_ledger_entry_id', 'dropped'),
    ('duplicate_ledger_entry', 'dropped: one copy of each entry id is kept'),
    ('missing_tenant_id', 'dropped: the credits belong to no tenant'),
    ('missing_created_at', 'dropped: the entry has no day'),
    ('invalid_amount', 'dropped: amounts must be positive integers'),
    ('unknown_event_type', 'kept, with no effect on either balance'),
] -%}

final as (
    {{ data_quality_rows([
        ('tryon_jobs', 'job_rules', job_rules),
        ('credit_ledgers', 'entry_rules', entry_rules),
        ('tenants', 'tenant_rules', [('duplicate_tenant', 'dropped: the newest copy of each tenant id is kept')]),
    ]) }}
)

select * from final
