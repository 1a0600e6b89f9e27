{#- ===== Product events (spec 002): how a raw event is read. Each rule is written here once. ===== -#}

{#- The eight sources spec 002 names; anything else (after trimming and lower-casing) is 'unknown'. -#}
{% macro event_sources() -%}
    {{ return(['app', 'api', 'webhook', 'job', 'payments', 'files', 'builder', 'agent']) }}
{%- endmacro %}

{% macro normalize_event_source(raw_source) -%}
    {{ normalized_choice(raw_source, event_sources()) }}
{%- endmacro %}

{#- An event name as the spec writes them (domain.action, lower case): trimmed, lower-cased, spaces around dots
    removed and other runs of spaces made one underscore ('Auth . User Login ' -> 'auth.user_login'). -#}
{% macro normalize_event_name(raw_event) -%}
    {%- set dotted = regexp_replace_all_ci('lower(trim(' ~ raw_event ~ '))', '\\s*\\.\\s*', '.') -%}
    {{ regexp_replace_all_ci(dotted, '\\s+', '_') }}
{%- endmacro %}

{#- True when a (normalised) name is not of the spec's domain.action form. -#}
{% macro is_not_domain_action(event_name) -%}
    not {{ regexp_matches_ci(event_name, '^[a-z0-9_-]+([.][a-z0-9_-]+)+$') }}
{%- endmacro %}

{#- A client IP address reduced to its network (README, "Privacy"): IPv4 to its /24 (a.b.c.0), IPv6 to its /48 (the
    first three groups, then '::'); anything that is not an address is null. -#}
{% macro truncate_ip(raw_ip) -%}
    {%- set ip = 'lower(trim(' ~ raw_ip ~ '))' -%}
    {%- set v4 = '^' ~ pii_patterns()['ipv4'] | replace('\\m', '') | replace('\\M', '') ~ '$' -%}
    case
        when {{ regexp_matches_ci(ip, v4) }} then {{ regexp_replace_all_ci(ip, '[.][0-9]+$', '.0') }}
        when {{ regexp_matches_ci(ip, '^[0-9a-f:]+$') }} and {{ regexp_matches_ci(ip, pii_patterns()['ipv6']) }}
            then {{ ipv6_prefix_48(ip) }}
    end
{%- endmacro %}

{#- The /48 of an IPv6 address written with hex groups: the groups before '::' (all of them without one), the first
    three of those, then '::'. -#}
{% macro ipv6_prefix_48(ip) -%}
    {{ return(adapter.dispatch('ipv6_prefix_48', 'tenant_analytics')(ip)) }}
{%- endmacro %}

{% macro postgres__ipv6_prefix_48(ip) -%}
    array_to_string((string_to_array(split_part({{ ip }}, '::', 1), ':'))[1:3], ':') || '::'
{%- endmacro %}

{% macro default__ipv6_prefix_48(ip) -%}
    concat(array_join(slice(split(split({{ ip }}, '::')[0], ':'), 1, 3), ':'), '::')
{%- endmacro %}

{#- A user id that looks like personal data (an email used as the id) becomes a stable pseudonym, so distinct users
    stay distinct and the address is gone. -#}
{% macro pseudonymize_user_id(raw_user_id) -%}
    case
        when {{ has_pii(raw_user_id) }} then concat('user_', {{ dbt.hash(raw_user_id) }})
        else {{ raw_user_id }}
    end
{%- endmacro %}

{#- The quota metrics of a set of events (columns tenant_id, created_day_utc, event, props, source_changed_at) per
    tenant and day, as the mapping (seeds/event_usage_metrics.csv: event, metric, measure, prop, unit_divisor) says:
    measure 'count' counts the events, 'sum' adds up their numeric property `prop` and divides by unit_divisor,
    rounding up (a started unit counts); meta holds the exact sum. A property that is missing or not a number adds
    nothing. -#}
{% macro usage_metric_counts(events, mapping) -%}
    select
        e.tenant_id,
        e.created_day_utc,
        m.metric,
        cast(case
            when min(m.measure) = 'count' then count(*)
            else ceil(coalesce(sum({{ numeric_prop('e.props', 'm.prop') }}), 0) / max(m.unit_divisor))
        end as bigint) as usage_count,
        case
            when min(m.measure) = 'count' then {{ dbt.cast("'{}'", 'jsonb') }}
            else {{ json_object([
                ['sum_of', 'min(m.prop)'],
                ['sum', 'coalesce(sum(' ~ numeric_prop('e.props', 'm.prop') ~ '), 0)'],
                ['unit_divisor', 'max(m.unit_divisor)'],
            ]) }}
        end as meta,
        max(e.source_changed_at) as last_source_changed_at
    from {{ events }} as e
    inner join {{ mapping }} as m on e.event = m.event
    group by e.tenant_id, e.created_day_utc, m.metric
{%- endmacro %}

{#- A numeric property of a JSON object, null when missing or not a number. -#}
{% macro numeric_prop(props, key) -%}
    {{ json_number_at(props, key) }}
{%- endmacro %}

{#- How many raw events are dated after as_of (a clock ahead), from the versions view: they lie on as_of's UTC day
    or later, so the day index reads just those days. -#}
{% macro events_after_as_of(versions) -%}
    select cast(count(*) as bigint) from {{ versions }}
    where created_day_utc >= {{ utc_day(as_of()) }} and ts > {{ as_of() }}
{%- endmacro %}

{#- The trailing windows of spec 002's KPIs, in whole UTC days ending with as_of's day: today (1 day), week (7),
    month (30). `day` is a date column. -#}
{% macro in_trailing_days(day, days) -%}
    ({{ day }} <= {{ utc_day(as_of()) }} and {{ day }} > {{ dbt.dateadd('day', -1 * days, utc_day(as_of())) }})
{%- endmacro %}

{#- ===== Quotas (spec 002, "Quotas & Limits"). ===== -#}

{#- Quotas are checked unless the var quotas_enabled (default: $QUOTAS_ENABLED, else true) says false. -#}
{% macro quotas_enabled() -%}
    {{ return((var('quotas_enabled', env_var('QUOTAS_ENABLED', 'true')) | string | lower) == 'true') }}
{%- endmacro %}

{#- The var quota_defaults (default: $QUOTA_DEFAULTS, else none), a JSON object (or a YAML mapping) of daily limits
    by quota metric, as the spec configures it: '{"api_requests_daily": 50000, "builds_daily": 100}'. Returns the
    mapping; a value that is not a whole number >= 0, or text that is not a JSON object, stops the build with one line.
    Names are checked against the seed event_quota_defaults where the model reads them (int_events__quota_defaults). -#}
{% macro quota_default_overrides() -%}
    {%- set configured = var('quota_defaults', env_var('QUOTA_DEFAULTS', '')) -%}
    {%- if configured is mapping -%}
        {%- set parsed = configured -%}
    {%- elif (configured | string | trim) == '' -%}
        {%- set parsed = {} -%}
    {%- else -%}
        {%- set parsed = fromjson(configured | string, none) -%}
        {%- if parsed is not mapping -%}
            {{ exceptions.raise_compiler_error("QUOTA_DEFAULTS (var quota_defaults) must be a JSON object of daily limits, e.g. '{\"builds_daily\": 100}'; got: " ~ configured) }}
        {%- endif -%}
    {%- endif -%}
    {%- for metric, limit in parsed.items() -%}
        {%- if limit is not number or limit < 0 or (limit | int) != limit -%}
            {{ exceptions.raise_compiler_error("QUOTA_DEFAULTS (var quota_defaults): the limit of " ~ metric ~ " must be a whole number >= 0; got: " ~ limit) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parsed) }}
{%- endmacro %}

{#- Whether a day's usage is over its quota: spec 002's soft quotas report `exceeded` when the day's count has
    reached the limit (a check before an action: at the limit, the next one would be over it). No limit: false. -#}
{% macro quota_exceeded(current, daily_limit) -%}
    coalesce({{ current }} >= {{ daily_limit }}, false)
{%- endmacro %}

{#- The day's usage as a percentage of its limit (null without a limit; a zero limit: null). -#}
{% macro quota_usage_pct(current, daily_limit) -%}
    round(100.0 * {{ current }} / nullif({{ daily_limit }}, 0), 2)
{%- endmacro %}

{#- A tenant's daily limit for a quota metric: its admin-set override, else the default (int_events__quota_defaults);
    null (no limit) when quotas are switched off. -#}
{% macro effective_quota_limit(override_limit, default_limit) -%}
    {%- if quotas_enabled() -%}
        coalesce({{ override_limit }}, {{ default_limit }})
    {%- else -%}
        cast(null as bigint)
    {%- endif -%}
{%- endmacro %}

{% macro quota_limit_source(override_limit, default_source) -%}
    {%- if quotas_enabled() -%}
        case when {{ override_limit }} is not null then 'tenant override' else {{ default_source }} end
    {%- else -%}
        'quotas disabled'
    {%- endif -%}
{%- endmacro %}


{#- The configuration of every events model built by UTC day (by_day_config) from the events' changed days. -#}
{% macro events_by_day_config(unique_columns, day='date', indexes=[], always=none) -%}
    {{ return(by_day_config('int_events__changed_units', 'analytics_events', unique_columns, day, indexes, always)) }}
{%- endmacro %}

{#- The configuration of a daily events mart kept like analytics_daily_usage (spec 002 keeps daily usage
    indefinitely while raw events live 90 days): events_by_day_config, and a --full-refresh leaves it as it is
    (full_refresh: false) unless --vars '{events_rebuild_daily_usage: true}' rebuilds it on purpose (README,
    "Product events"). -#}
{% macro events_kept_daily_config(unique_columns) -%}
    {%- set settings = events_by_day_config(unique_columns) -%}
    {%- do settings.update({'full_refresh': (var('events_rebuild_daily_usage', false) | string | lower) == 'true'}) -%}
    {{ return(settings) }}
{%- endmacro %}
