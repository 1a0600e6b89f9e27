-- One row per account event with an id, a user and a time (spec 003's sign-ups and logins): its first delivery, the
-- event type normalised, the client as browser family, OS family and device class. No IP address, no user agent.
with activity as (
    select * from {{ ref('base_renders__account_activity') }}
),

final as (
    select
        activity_id,
        user_id,
        event_type,
        browser_family,
        os_family,
        device_class,
        created_at,
        {{ utc_day('created_at') }} as created_day_utc,
        source_changed_at
    from activity
    where
        version_rank = 1
        and not is_missing_activity_id
        and not is_missing_user_id
        and not is_missing_created_at
)

select * from final
