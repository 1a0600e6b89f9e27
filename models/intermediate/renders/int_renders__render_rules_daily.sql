-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__render_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'renders', ['source_day'], day='source_day',
                          always="cast('1900-01-01' as date)")) }}

-- Mergeable data-quality state: for each UTC creation day of raw render rows (1900-01-01: no creation time), how many
-- rows each rule of renders_data_quality touched. renders_data_quality sums these rows. Incremental: recomputes the
-- days any version of a changed render falls in, reading only those days through the raw indexes.
with versions as (
    {{ rows_on_changed_days(ref('base_renders__renders'), 'render_id', ref('base_renders__render_versions')) }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("is_missing_render_id") }} as missing_render_id,
        {{ count_rows_where("not is_missing_render_id and version_rank > 1") }} as older_render_version,
        {{ count_rows_where("is_missing_user_id") }} as missing_user_id,
        {{ count_rows_where("is_missing_created_at") }} as missing_created_at,
        {{ count_rows_where("is_unknown_type") }} as unknown_type,
        {{ count_rows_where("is_unknown_status") }} as unknown_status,
        {{ count_rows_where("is_unknown_quality") }} as unknown_quality,
        {{ count_rows_where("is_unknown_platform") }} as unknown_platform,
        {{ count_rows_where("is_value_recased") }} as value_recased,
        {{ count_rows_where("is_metadata_not_object") }} as metadata_not_object,
        {{ count_rows_where("is_source_platform_missing") }} as source_platform_missing,
        {{ count_rows_where("is_negative_processing_time") }} as negative_processing_time,
        {{ count_rows_where("is_invalid_credits_cost") }} as invalid_credits_cost,
        {{ count_rows_where("has_pii_in_user_id") }} as personal_data_in_user_id,
        max(source_changed_at) as last_source_changed_at
    from versions
    group by source_day
)

select * from final
