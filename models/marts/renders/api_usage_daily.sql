-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__render_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'renders', ['user_id', 'date', 'source_platform'])) }}

-- One row per user, UTC day and source platform with at least one API call: spec 003's API usage ("Total calls,
-- average per day, usage by platform"), where an API call is a render that came through the API or a plugin (macro
-- is_api_call; spec 003 infers API calls from renders). Incremental by day: recomputes the creation days of changed
-- renders.
with calls as (
    select user_id, created_day_utc, source_platform, source_changed_at
    from {{ ref('stg_renders__renders') }}
    where
        is_api_call
        {% if is_incremental() %}
        and {{ in_recomputed_entities('render_id', ref('base_renders__render_versions'), 'created_day_utc') }}
        {% endif %}
),

final as (
    select
        user_id,
        created_day_utc as date,
        source_platform,
        cast(count(*) as bigint) as api_calls,
        max(source_changed_at) as last_source_changed_at
    from calls
    group by user_id, created_day_utc, source_platform
)

select * from final
