-- Every raw render row, typed and normalised, personal data gone, with one flag per data-quality rule and
-- version_rank (1: the render's newest version). No row is dropped here: stg_renders__renders applies the rules,
-- renders_data_quality counts them. The metadata's userAgent is never read.
with versions as (
    select * from {{ ref('base_renders__render_versions') }}
),

normalised as (
    select
        render_id,
        {{ pseudonymize_user_id('user_id') }} as user_id,
        {{ has_pii('user_id') }} as has_pii_in_user_id,
        type as raw_type,
        {{ normalized_choice('type', render_types()) }} as render_type,
        status as raw_status,
        {{ normalized_choice('status', render_statuses()) }} as status,
        quality as raw_quality,
        {{ normalized_choice('quality', render_qualities()) }} as quality,
        platform as raw_platform,
        {{ normalized_choice('platform', render_platforms()) }} as platform,
        {{ json_typeof('metadata') }} as metadata_type,
        {{ render_source_platform('metadata') }} as source_platform,
        credits_cost as raw_credits_cost,
        processing_time as raw_processing_time,
        created_at,
        updated_at,
        source_changed_at,
        created_day_utc
    from versions
),

flagged as (
    select
        *,
        render_id is null as is_missing_render_id,
        user_id is null as is_missing_user_id,
        created_at is null or {{ is_infinite_time('created_at') }} as is_missing_created_at,
        render_type = 'unknown' as is_unknown_type,
        status = 'unknown' as is_unknown_status,
        quality = 'unknown' as is_unknown_quality,
        platform = 'unknown' as is_unknown_platform,
        (render_type <> 'unknown' and render_type <> raw_type)
            or (status <> 'unknown' and status <> raw_status)
            or (quality <> 'unknown' and quality <> raw_quality)
            or (platform <> 'unknown' and platform <> raw_platform) as is_value_recased,
        metadata_type is not null and metadata_type <> 'object' as is_metadata_not_object,
        (metadata_type is null or metadata_type = 'object') and source_platform is null as is_source_platform_missing,
        coalesce(raw_processing_time < 0, false) as is_negative_processing_time,
        raw_credits_cost is null or raw_credits_cost < 0 as is_invalid_credits_cost,
        row_number() over (
            partition by render_id
            -- Every tie-break says where nulls go (engines differ when it is left unsaid).
            order by
                updated_at desc nulls last,
                created_at desc nulls last,
                raw_status nulls last,
                raw_credits_cost nulls last,
                raw_processing_time nulls last,
                user_id nulls last
        ) as version_rank
    from normalised
)

select * from flagged
