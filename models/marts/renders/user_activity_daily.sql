-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__account_activity_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'account_activity',
                          ['user_id', 'date', 'event_type', 'device_class', 'browser_family'])) }}

-- One row per user, UTC day, event type and client (device class and browser family) with at least one account event:
-- spec 003's user activity statistics (sign-ups and logins per day; "a user sees only its own"), as counts any period
-- and any grouping sums. Incremental by day: recomputes the days of changed account events.
with activity as (
    select user_id, created_day_utc, event_type, device_class, browser_family, source_changed_at
    from {{ ref('stg_renders__account_activity') }}
    {% if is_incremental() %}
        where {{ in_recomputed_entities('activity_id', ref('base_renders__account_activity_versions'),
                                        'created_day_utc') }}
    {% endif %}
),

final as (
    select
        user_id,
        created_day_utc as date,
        event_type,
        -- The grain's columns are never null (a unique index): 'unknown' without a user agent.
        coalesce(device_class, 'unknown') as device_class,
        coalesce(browser_family, 'unknown') as browser_family,
        cast(count(*) as bigint) as events,
        max(source_changed_at) as last_source_changed_at
    from activity
    group by user_id, created_day_utc, event_type, coalesce(device_class, 'unknown'), coalesce(browser_family, 'unknown')
)

select * from final
