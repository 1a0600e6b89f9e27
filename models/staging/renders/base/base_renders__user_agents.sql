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
    select kind, priority, pattern, coalesce(flags, '') as flags, family from {{ ref('user_agent_parsers') }}
),

first_matches as (
    -- For each user agent and kind (browser, os, device) the first parser in uap-core's order that matches, with the
    -- groups it captured.
    select distinct on (agents.user_agent_key, parsers.kind)
        agents.user_agent_key,
        parsers.kind,
        parsers.family,
        regexp_match(agents.user_agent, parsers.pattern, parsers.flags) as captured
    from agents
    inner join parsers
        on regexp_like(agents.user_agent, parsers.pattern, parsers.flags)
    order by agents.user_agent_key, parsers.kind, parsers.priority
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

final as (
    select
        user_agent_key,
        browser_family,
        os_family,
        {{ user_agent_device_class('user_agent', 'browser_family', 'os_family', 'device_family') }} as device_class,
        last_source_changed_at
    from classified
)

select * from final
