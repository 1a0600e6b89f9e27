-- One row per render: its newest version, with an id, a user and a creation time; values normalised by the rules of
-- _renders__models.yml.
with renders as (
    select * from {{ ref('base_renders__renders') }}
),

final as (
    select
        render_id,
        user_id,
        render_type,
        status,
        quality,
        platform,
        source_platform,
        {{ is_api_call('source_platform') }} as is_api_call,
        case when not is_invalid_credits_cost then raw_credits_cost end as credits_cost,
        case when status in ('completed', 'failed') and raw_processing_time >= 0 then raw_processing_time end
            as processing_seconds,
        created_at,
        {{ utc_day('created_at') }} as created_day_utc,
        updated_at,
        source_changed_at
    from renders
    where
        version_rank = 1
        and not is_missing_render_id
        and not is_missing_user_id
        and not is_missing_created_at
)

select * from final
