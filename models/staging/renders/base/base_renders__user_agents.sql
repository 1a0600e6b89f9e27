{{
    config(**incremental_config(
        unique_key='user_agent_key',
        indexes=[{'columns': ['user_agent_key'], 'unique': true}],
    ))
}}

-- One row per distinct user agent of account_activity, classified (macros/privacy/user_agents.sql): uap-core's
-- browser and OS families and the `user-agents` device class. It holds no user agent, only its hash (the key
-- base_renders__account_activity joins on). Incremental: a run classifies the user agents of the rows changed since
-- its watermark, and a user agent seen before is classified again to the same row (the rules only change with the
-- seeds, and a --full-refresh applies new ones to all).
with agents as (
    select
        {{ user_agent_key('user_agent') }} as user_agent_key,
        min(user_agent) as user_agent,
        max(source_changed_at) as last_source_changed_at
    from {{ ref('base_renders__account_activity_versions') }}
    where
        user_agent is not null
        {%- if is_incremental() %}
        and {{ changed_since_last_run('source_changed_at', 'last_source_changed_at') }}
        {%- endif %}
    group by {{ user_agent_key('user_agent') }}
),

parsers as (
    select kind, priority, pattern, java_pattern, capture_groups, coalesce(flags, '') as flags, family
    from {{ ref('user_agent_parsers') }}
),

matches as (
    -- Every parser that matches each user agent, ranked in uap-core's order per kind (browser, os, device).
    select
        agents.user_agent_key,
        agents.user_agent,
        parsers.kind,
        parsers.priority,
        row_number() over (
            partition by agents.user_agent_key, parsers.kind order by parsers.priority
        ) as match_rank
    from agents
    inner join parsers on {{ user_agent_matches('agents.user_agent', 'parsers') }}
),

first_matches as (
    -- The first match of each kind, with the groups it captured (macros/privacy/user_agents.sql).
    select
        matches.user_agent_key,
        parsers.kind,
        parsers.family,
        {{ user_agent_captures('matches.user_agent', 'parsers') }} as captured
    from matches
    inner join parsers on matches.kind = parsers.kind and matches.priority = parsers.priority
    where matches.match_rank = 1
),

families as (
    select
        user_agent_key,
        max(case when kind = 'browser' then {{ user_agent_family('family', 'captured') }} end) as browser_family,
        max(case when kind = 'os' then {{ user_agent_family('family', 'captured') }} end) as os_family,
        max(case when kind = 'device' then {{ user_agent_family('family', 'captured') }} end) as device_family
    from first_matches
    group by user_agent_key
),

classified as (
    -- ua-parser's answer when no parser matches: Other.
    select
        agents.user_agent_key,
        agents.user_agent,
        coalesce(families.browser_family, 'Other') as browser_family,
        coalesce(families.os_family, 'Other') as os_family,
        coalesce(families.device_family, 'Other') as device_family,
        agents.last_source_changed_at
    from agents
    left join families on agents.user_agent_key = families.user_agent_key
),

family_lists as (
    {{ user_agent_family_flags() }}
),

final as (
    select
        classified.user_agent_key,
        classified.browser_family,
        classified.os_family,
        {{ user_agent_device_class('classified.user_agent', 'classified.browser_family', 'classified.os_family',
                                   'classified.device_family', 'device_lists', 'browser_lists', 'os_lists') }}
            as device_class,
        classified.last_source_changed_at
    from classified
    left join family_lists as device_lists on classified.device_family = device_lists.family
    left join family_lists as browser_lists on classified.browser_family = browser_lists.family
    left join family_lists as os_lists on classified.os_family = os_lists.family
)

select * from final
