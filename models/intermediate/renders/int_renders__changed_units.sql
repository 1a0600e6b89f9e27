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

-- The renders change manifest: for each raw source and UTC creation day, the newest change that touched the day
-- (last_changed_at) and the dbt invocation that last touched it. Every incremental renders model reads it to know
-- which days to recompute: those changed since its own watermark (macros/incremental/changes.sql). A render moving
-- from pending to completed is a change of its creation day.
with touched as (
    -- Every version of a changed render (a new version can move a render to another day).
    select 'renders' as source_name, created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_renders__render_versions'), 'render_id', 'created_day_utc') }}) as renders
    union all
    -- A render corrected in place leaves no older version to tell the day it counted on before;
    -- int_renders__render_days keeps it.
    select 'renders', previous_created_day_utc, source_changed_at
    from {{ ref('int_renders__render_days') }}
    where previous_created_day_utc is not null
    {% if is_incremental() %}
        and {{ changed_since_last_run('source_changed_at', 'last_changed_at') }}
    {% endif %}
    union all
    select 'credit_transactions', created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_renders__credit_transaction_versions'), 'transaction_id', 'created_day_utc') }})
        as transactions
    union all
    select 'account_activity', created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_renders__account_activity_versions'), 'activity_id', 'created_day_utc') }})
        as activity
),

final as (
    {{ stamped_units('touched', 'created_day_utc') }}
)

select * from final
