-- One row per plugin API key with an id and an owner: its newest version, active only when marked active and not
-- revoked, its last use dropped when it is before the key existed (base_renders__plugin_api_keys' rules).
with keys as (
    select * from {{ ref('base_renders__plugin_api_keys') }}
),

final as (
    select
        key_id,
        user_id,
        coalesce(raw_is_active, false) and revoked_at is null as is_active,
        case when not is_used_before_created then raw_last_used_at end as last_used_at,
        created_at,
        revoked_at
    from keys
    where
        version_rank = 1
        and not is_missing_key_id
        and not is_missing_user_id
)

select * from final
