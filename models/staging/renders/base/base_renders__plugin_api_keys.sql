-- Every raw plugin_api_keys row (re-deliveries included) with one flag per data-quality rule and version_rank (1: the
-- key's newest version). Keys are updated in place (last use, revocation) and few, so the table is read whole. No row
-- is dropped here: stg_renders__plugin_api_keys applies the rules, renders_data_quality counts them.
with keys as (
    select
        id as key_id,
        {{ pseudonymize_user_id('user_id') }} as user_id,
        {{ has_pii('user_id') }} as has_pii_in_user_id,
        is_active as raw_is_active,
        last_used_at as raw_last_used_at,
        created_at,
        revoked_at
    from {{ source('renders', 'plugin_api_keys') }}
),

flagged as (
    select
        *,
        key_id is null as is_missing_key_id,
        user_id is null as is_missing_user_id,
        coalesce(raw_is_active and revoked_at is not null, false) as is_revoked_but_active,
        coalesce(raw_last_used_at < created_at, false) as is_used_before_created,
        row_number() over (
            partition by key_id
            order by
                coalesce(revoked_at, raw_last_used_at, created_at) desc nulls last,
                raw_last_used_at desc nulls last,
                raw_is_active nulls last,
                user_id nulls last
        ) as version_rank
    from keys
)

select * from flagged
