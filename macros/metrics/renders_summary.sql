{#- Spec 003's summary numbers of one user over a period (its "Summary Cards" and performance metrics), written once:
    the comparison mart (user_month_comparison) and the server-action functions (macros/security/renders_api_functions.sql)
    both read them from here. -#}

{#- (name, description) of every summary number, in the order the comparison mart lists them. Two are ratios, null
    without a denominator (renders_summary_ratios); the others are 0 for a user with nothing in the period. -#}
{% macro renders_summary_numbers() -%}
    {{ return([
        ('renders_created', 'Renders created in the period (every status).'),
        ('completed_renders', 'Renders created in the period that completed.'),
        ('failed_renders', 'Renders created in the period that failed.'),
        ('success_rate_pct', 'completed / (completed + failed) x 100; null without a finished render.'),
        ('avg_processing_seconds', 'Average processing time of the completed renders with one.'),
        ('credits_spent', 'Credits spent (debits).'),
        ('credits_earned', 'Credits earned (purchases, subscriptions, bonuses, refunds).'),
        ('net_credit_balance', 'credits_earned - credits_spent.'),
        ('avg_credits_spent_per_day', 'credits_spent / the days of the period.'),
        ('api_calls', 'API calls (renders through the API or a plugin).'),
        ('avg_api_calls_per_day', 'api_calls / the days of the period.'),
        ('active_api_keys', 'Plugin API keys active now and last used in the period.'),
        ('logins', 'Logins.'),
        ('signups', 'Sign-ups.'),
    ]) }}
{%- endmacro %}

{% macro renders_summary_ratios() -%}
    {{ return(['success_rate_pct', 'avg_processing_seconds']) }}
{%- endmacro %}

{#- One row per user with anything in the period [date_from, date_to] (SQL date expressions, both UTC days
    inclusive): user_id and every number of renders_summary_numbers(). Reads the user-scoped marts, so it returns a
    user-scoped login its own row only. With per_user=false, one row (user_id 'all') over every user the caller may
    see: the caller's own numbers for a user login, the platform's for an admin. -#}
{% macro renders_period_summary(date_from, date_to, per_user=true) -%}
    {%- set period_days = '(' ~ dbt.datediff('p.date_from', 'p.date_to', 'day') ~ ' + 1)' -%}
    with period as (
        select cast({{ date_from }} as date) as date_from, cast({{ date_to }} as date) as date_to
    ),

    renders as (
        select
            {{ summary_user('r', per_user) }} as user_id,
            sum(r.renders) as renders_created,
            sum(case when r.status = 'completed' then r.renders else 0 end) as completed_renders,
            sum(case when r.status = 'failed' then r.renders else 0 end) as failed_renders,
            sum(r.completed_processing_seconds) as completed_processing_seconds,
            sum(r.completed_timed_renders) as completed_timed_renders
        from {{ ref('render_stats_daily') }} as r
        cross join period as p
        where r.date >= p.date_from and r.date <= p.date_to
        group by 1
    ),

    credits as (
        select
            {{ summary_user('c', per_user) }} as user_id,
            {{ sum_credits('debit', 'c') }} as credits_spent,
            {{ sum_credits('credit', 'c') }} as credits_earned
        from {{ ref('credit_stats_daily') }} as c
        cross join period as p
        where c.date >= p.date_from and c.date <= p.date_to
        group by 1
    ),

    api as (
        select {{ summary_user('a', per_user) }} as user_id, sum(a.api_calls) as api_calls
        from {{ ref('api_usage_daily') }} as a
        cross join period as p
        where a.date >= p.date_from and a.date <= p.date_to
        group by 1
    ),

    api_keys as (
        select {{ summary_user('k', per_user) }} as user_id, count(*) as active_api_keys
        from {{ ref('plugin_api_keys_current') }} as k
        cross join period as p
        where k.is_active and {{ utc_day('k.last_used_at') }} >= p.date_from and {{ utc_day('k.last_used_at') }} <= p.date_to
        group by 1
    ),

    activity as (
        select
            {{ summary_user('a', per_user) }} as user_id,
            sum(case when a.event_type = 'login' then a.events else 0 end) as logins,
            sum(case when a.event_type = 'signup' then a.events else 0 end) as signups
        from {{ ref('user_activity_daily') }} as a
        cross join period as p
        where a.date >= p.date_from and a.date <= p.date_to
        group by 1
    ),

    users as (
        {%- if not per_user %}
        select {{ all_users_key() }} as user_id  -- one row even when the caller sees nothing in the period
        union
        {%- endif %}
        select user_id from renders
        union
        select user_id from credits
        union
        select user_id from api
        union
        select user_id from api_keys
        union
        select user_id from activity
    )

    select
        u.user_id,
        cast(coalesce(r.renders_created, 0) as bigint) as renders_created,
        cast(coalesce(r.completed_renders, 0) as bigint) as completed_renders,
        cast(coalesce(r.failed_renders, 0) as bigint) as failed_renders,
        {{ terminal_success_rate_pct('r.completed_renders', 'r.completed_renders + r.failed_renders') }}
            as success_rate_pct,
        {{ safe_divide('r.completed_processing_seconds', 'r.completed_timed_renders') }} as avg_processing_seconds,
        cast(coalesce(c.credits_spent, 0) as bigint) as credits_spent,
        cast(coalesce(c.credits_earned, 0) as bigint) as credits_earned,
        cast(coalesce(c.credits_earned, 0) - coalesce(c.credits_spent, 0) as bigint) as net_credit_balance,
        {{ safe_divide('coalesce(c.credits_spent, 0)', period_days) }} as avg_credits_spent_per_day,
        cast(coalesce(a.api_calls, 0) as bigint) as api_calls,
        {{ safe_divide('coalesce(a.api_calls, 0)', period_days) }} as avg_api_calls_per_day,
        cast(coalesce(k.active_api_keys, 0) as bigint) as active_api_keys,
        cast(coalesce(v.logins, 0) as bigint) as logins,
        cast(coalesce(v.signups, 0) as bigint) as signups
    from users as u
    cross join period as p
    left join renders as r on u.user_id = r.user_id
    left join credits as c on u.user_id = c.user_id
    left join api as a on u.user_id = a.user_id
    left join api_keys as k on u.user_id = k.user_id
    left join activity as v on u.user_id = v.user_id
{%- endmacro %}

{#- The user column of a summary CTE over alias: the user's id, or 'all' when the summary is not per user. -#}
{% macro summary_user(alias, per_user) -%}
    {{ alias ~ '.user_id' if per_user else all_users_key() }}
{%- endmacro %}

{#- The user column of a summary over every user the caller may see. -#}
{% macro all_users_key() -%}
    cast('all' as {{ dbt.type_string() }})
{%- endmacro %}
