-- depends_on: {{ ref('base_renders__render_versions') }}
{#- No nested loops: changed ids are looked up and joined back (macros/models/local_setting.sql). -#}
{{
    config(**incremental_config(
        pre_hook=["{{ local_setting('enable_nestloop', 'off') }}"],
        unique_key='render_id',
        partition_day=none,
        indexes=[
            {'columns': ['render_id'], 'unique': true},
            {'columns': ['source_changed_at']},
        ],
    ))
}}

-- One narrow row per render: its UTC creation day, and the day it counted on before a change moved it. A render
-- corrected in place (a new created_at; the raw table keeps one row per id) leaves no older raw version behind to say
-- where it counted, so the change manifest (int_renders__changed_units) reads the day it left from here and every
-- renders mart recomputes that day too. Incremental by render_id, as int_tryon__jobs_enriched for try-on jobs.
with renders as (
    select render_id, created_day_utc, source_changed_at
    from {{ ref('stg_renders__renders') }}
    {% if is_incremental() %}
        -- The renders with a version changed since the last run, read through the raw indexes.
        where {{ in_subquery('render_id', 'select render_id from ' ~ ref('base_renders__render_versions') ~ ' where '
                             ~ changed_since_last_run('source_changed_at', 'source_changed_at')) }}
    {% endif %}
),

-- Where each changed render counted before this run (macros/incremental/previous_days.sql).
stored as (
    {{ stored_days('render_id', 'renders') }}
),

final as (
    select
        renders.render_id,
        renders.created_day_utc,
        {{ previous_created_day('renders', 'stored') }} as previous_created_day_utc,
        renders.source_changed_at
    from renders
    left join stored on renders.render_id = stored.render_id
)

select * from final
