-- Every raw account_activity row (re-deliveries included), typed and normalised, the user agent reduced to its
-- classes (base_renders__user_agents), with one flag per data-quality rule and version_rank. No row is dropped here:
-- stg_renders__account_activity applies the rules, renders_data_quality counts them.
with versions as (
    select * from {{ ref('base_renders__account_activity_versions') }}
),

agents as (
    select * from {{ ref('base_renders__user_agents') }}
),

normalised as (
    select
        versions.activity_id,
        {{ pseudonymize_user_id('versions.user_id') }} as user_id,
        {{ has_pii('versions.user_id') }} as has_pii_in_user_id,
        versions.event_type as raw_event_type,
        {{ normalized_choice('versions.event_type', account_event_types()) }} as event_type,
        versions.user_agent is null as is_missing_user_agent,
        agents.browser_family,
        agents.os_family,
        agents.device_class,
        versions.created_at,
        versions.source_changed_at,
        versions.created_day_utc
    from versions
    left join agents
        on {{ user_agent_key('versions.user_agent') }} = agents.user_agent_key
),

flagged as (
    select
        *,
        activity_id is null as is_missing_activity_id,
        user_id is null as is_missing_user_id,
        created_at is null or {{ is_infinite_time('created_at') }} as is_missing_created_at,
        event_type = 'unknown' as is_unknown_event_type,
        event_type <> 'unknown' and event_type <> raw_event_type as is_event_type_recased,
        row_number() over (
            partition by activity_id
            order by
                created_at desc nulls last,
                raw_event_type nulls last,
                user_id nulls last,
                browser_family nulls last
        ) as version_rank
    from normalised
)

select * from flagged
