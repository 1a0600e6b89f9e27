-- One row per plugin API key (spec 003's "Plugin API Keys Table": active status, last used time, key count) as it is
-- now: the table the API usage statistics count active keys from (a key is active in a period when it is active and
-- was last used in the period). Keys are updated in place and few: rebuilt whole on every run.
with keys as (
    select * from {{ ref('stg_renders__plugin_api_keys') }}
),

final as (
    select
        user_id,
        key_id,
        is_active,
        last_used_at,
        created_at,
        revoked_at
    from keys
)

select * from final
