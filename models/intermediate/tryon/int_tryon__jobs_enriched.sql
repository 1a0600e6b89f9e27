-- depends_on: {{ ref('base_tryon__job_versions') }}
{#- No nested loops: changed ids are looked up and joined back (macros/models/local_setting.sql). -#}
{{
    config(**incremental_config(
        pre_hook=["{{ local_setting('enable_nestloop', 'off') }}"],
        unique_key='job_id',
        partition_day=none,
        indexes=[
            {'columns': ['job_id'], 'unique': true},
            {'columns': ['created_day_utc']},
            {'columns': ['source_changed_at']},
            {'columns': ['created_at']},
        ],
    ))
}}

with jobs as (
    select * from {{ ref('stg_tryon__jobs') }}
    {% if is_incremental() %}
        -- The newest version of every job with a version changed since the last run, read through the raw
        -- indexes (macros/incremental/changes.sql). The one incremental model that finds its changes itself:
        -- it is entity-level, and the change manifest reads it to know where each rewritten job counted before.
        where {{ in_subquery('job_id', 'select job_id from ' ~ ref('base_tryon__job_versions') ~ ' where '
                             ~ changed_since_last_run('source_changed_at', 'source_changed_at')) }}
    {% endif %}
),

enriched as (
    select
        job_id,
        tenant_id,
        status,
        model,
        failure_reason_normalized,
        created_at,
        updated_at,
        source_changed_at,
        credits_charged,
        {{ utc_day('created_at') }} as created_day_utc,
        {{ lifecycle_seconds('status', 'created_at', 'updated_at') }} as lifecycle_seconds,
        status = 'completed' as is_completed,
        status in ('failed', 'provider_expired') as is_failed,
        status = 'provider_expired' as is_provider_expired,
        status in {{ sql_list(tryon_in_flight_statuses()) }} as is_in_flight,
        status in {{ sql_list(tryon_terminal_statuses()) }} as is_terminal,
        status = 'unknown' as is_unknown_status,
        credits_charged > 0 as is_credits_charged
    from jobs
),

-- Where each changed job counted before this run: a job updated in place (a corrected created_at) leaves no
-- older raw version behind to say so, and the day it left must be recomputed too (int_tryon__changed_units).
-- Empty in a full refresh: nothing counted anywhere before.
stored as (
    {{ stored_days('job_id', 'enriched') }}
),

final as (
    select
        enriched.*,
        {{ histogram_bucket('lifecycle_seconds') }} as lifecycle_bucket,
        {{ previous_created_day('enriched', 'stored') }} as previous_created_day_utc
    from enriched
    left join stored on enriched.job_id = stored.job_id
)

select * from final
