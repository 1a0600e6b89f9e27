{#- No nested loops: changed ids are looked up and joined back (macros/models/local_setting.sql). -#}
{{
    config(**incremental_config(
        pre_hook=["{{ local_setting('enable_nestloop', 'off') }}"],
        unique_key=['source_name', 'created_day_utc'],
        partition_day=none,
        indexes=[
            {'columns': ['source_name', 'created_day_utc'], 'unique': true},
            {'columns': ['last_changed_at']},
        ],
    ))
}}

-- The try-on change manifest: for each raw source and UTC creation day, the newest change that touched the day
-- (last_changed_at) and the dbt invocation that last touched it. Every incremental try-on model reads it to know
-- which days (and months) to recompute: those changed since its own watermark. How changes touch units and how the
-- models read them: macros/incremental/changes.sql.
with touched as (
    -- Every version of a changed job (a new version can move a job to another day).
    select 'tryon_jobs' as source_name, created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_tryon__job_versions'), 'job_id', 'created_day_utc') }}) as jobs
    union all
    -- A job updated in place (spec 000: one row per id) leaves no older version to tell the day it counted on
    -- before; int_tryon__jobs_enriched keeps it.
    select 'tryon_jobs', previous_created_day_utc, source_changed_at
    from {{ ref('int_tryon__jobs_enriched') }}
    where previous_created_day_utc is not null
    {% if is_incremental() %}
        and {{ changed_since_last_run('source_changed_at', 'last_changed_at') }}
    {% endif %}
    union all
    select 'credit_ledgers', created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_tryon__credit_ledger_versions'), 'ledger_entry_id', 'created_day_utc') }}) as entries
),

final as (
    {{ stamped_units('touched', 'created_day_utc') }}
)

select * from final
