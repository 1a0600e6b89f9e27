-- Every raw job row, typed and normalised, with one flag per data-quality rule. No row is dropped here:
-- stg_tryon__jobs applies the rules, tryon_data_quality counts them.
with versions as (
    select * from {{ ref('base_tryon__job_versions') }}
),

normalised as (
    select
        job_id,
        tenant_id,
        status as raw_status,
        {{ normalize_tryon_status('status') }} as status,
        -- Model names reach every mart: personal data typed into them is masked here, as in failure reasons.
        {{ scrub_pii("coalesce(nullif(lower(trim(model)), ''), 'unknown')") }} as model,
        {{ has_pii('model') }} as has_pii_in_model,
        created_at,
        -- An infinite updated_at says nothing about when the job ended: taken as missing (it still ranks the job's
        -- versions as the newest, as it is the newest change time).
        case when not {{ is_infinite_time('updated_at') }} then updated_at end as updated_at,
        updated_at as raw_updated_at,
        source_changed_at,
        -- The spec calls this a categorised code, but providers' free text lands here too: personal data in
        -- it is masked now, before any other model reads it (macros/privacy/pii.sql).
        {{ scrub_pii("nullif(lower(trim(failure_reason_normalized)), '')") }} as raw_failure_reason,
        {{ has_pii('failure_reason_normalized') }} as has_pii_in_failure_reason,
        credits_charged as raw_credits_charged
    from versions
),

flagged as (
    select
        *,
        job_id is null as is_missing_job_id,
        created_at is null as is_missing_created_at,
        -- An infinite creation time has no day (dropped); an infinite updated_at is taken as missing.
        {{ is_infinite_time('created_at') }} or {{ is_infinite_time('raw_updated_at') }} as is_infinite_time,
        {{ is_infinite_time('created_at') }} as is_infinite_created_at,
        coalesce(created_at < {{ timestamp_literal(var('min_plausible_time')) }}, false) as is_before_plausible_time,
        tenant_id is null as is_missing_tenant_id,
        status = 'unknown' as is_unknown_status,
        status <> 'unknown' and raw_status <> status as is_status_recased,
        updated_at is null as is_missing_updated_at,
        updated_at < created_at as is_updated_before_created,
        raw_credits_charged is null or raw_credits_charged < 0
            or raw_credits_charged > {{ var('tryon_max_credits_per_job') | int }} as is_invalid_credits_charged,
        row_number() over (
            partition by job_id
            -- Every tie-break says where nulls go: engines differ when it is left unsaid (PostgreSQL puts them last
            -- in ascending order, Spark first), and so would the version kept.
            order by
                raw_updated_at desc nulls last,
                created_at desc nulls last,
                status nulls last,
                model nulls last,
                raw_failure_reason nulls last,
                raw_credits_charged nulls last,
                cast(tenant_id as {{ dbt.type_string() }}) nulls last
        ) as version_rank
    from normalised
)

select * from flagged
