-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__render_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'renders',
                          ['user_id', 'date', 'render_type', 'status', 'quality', 'platform_group'])) }}

-- One row per user, UTC creation day, type, status, quality and platform group with at least one render: the
-- mergeable counts behind spec 003's render statistics (by type, status, quality and platform; success rate and
-- average processing time), which any period sums. Incremental by day: a render that finishes changes its creation
-- day's rows.
with renders as (
    select user_id, created_day_utc, render_type, status, quality, platform, source_platform, processing_seconds,
           source_changed_at
    from {{ ref('stg_renders__renders') }}
    {% if is_incremental() %}
        where {{ in_recomputed_entities('render_id', ref('base_renders__render_versions'), 'created_day_utc') }}
    {% endif %}
),

final as (
    select
        user_id,
        created_day_utc as date,
        render_type,
        status,
        quality,
        {{ render_platform_group('platform', 'source_platform') }} as platform_group,
        cast(count(*) as bigint) as renders,
        -- Processing time of completed renders only (spec 003's "average processing time"): the sum and how many.
        cast(coalesce(sum(case when status = 'completed' then processing_seconds end), 0) as bigint)
            as completed_processing_seconds,
        {{ count_rows_where("status = 'completed' and processing_seconds is not null") }} as completed_timed_renders,
        max(source_changed_at) as last_source_changed_at
    from renders
    group by user_id, created_day_utc, render_type, status, quality, {{ render_platform_group('platform', 'source_platform') }}
)

select * from final
