-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__render_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'renders', ['user_id', 'date'])) }}

-- One row per user and UTC day with at least one render created: spec 003's usage_tracking ("Daily aggregates:
-- renders created, credits spent, API calls, storage used"), built from the renders rather than upserted by the
-- application. Incremental by day: recomputes the creation days of changed renders.
with renders as (
    select user_id, created_day_utc, credits_cost, is_api_call, source_changed_at
    from {{ ref('stg_renders__renders') }}
    {% if is_incremental() %}
        where {{ in_recomputed_entities('render_id', ref('base_renders__render_versions'), 'created_day_utc') }}
    {% endif %}
),

final as (
    select
        user_id,
        created_day_utc as date,
        cast(count(*) as bigint) as renders_created,
        cast(coalesce(sum(credits_cost), 0) as bigint) as credits_spent,
        {{ count_rows_where('is_api_call') }} as api_calls,
        cast(null as bigint) as storage_used_bytes,
        max(source_changed_at) as last_source_changed_at
    from renders
    group by user_id, created_day_utc
)

select * from final
