-- One row per data-quality rule of the product event log: how many raw rows it touched in this build and what the
-- pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
{%- set rules = [
    ('missing_event_id', 'dropped: an event without an id cannot be de-duplicated'),
    ('duplicate_event_delivery', 'dropped: a re-delivered event (the same id again) counts once'),
    ('missing_tenant_id', 'dropped: the event belongs to no tenant, so no tenant may see it'),
    ('missing_ts', 'dropped: the event has no time (null or infinite), so no day'),
    ('missing_user_id', 'kept: counted in every count; in no user-based metric (active users)'),
    ('unknown_source', "kept as source 'unknown': not one of app, api, webhook, job, payments, files, builder, agent"),
    ('event_name_normalised', 'kept under its normalised name: trimmed, lower-cased, spaces around dots removed, other spaces made underscores'),
    ('event_name_not_domain_action', 'kept under its (normalised) name, a metric of its own: not of the domain.action form'),
    ('ts_before_plausible_time', 'kept on its day: a time before vars.min_plausible_time (a clock reset)'),
    ('ts_after_as_of', "kept on its day: a time after the build's as_of (a clock ahead); outside today/week/month"),
    ('props_not_object', 'kept with props {}: the properties were not a JSON object'),
    ('personal_data_in_props', 'kept: emails, phone numbers and IP addresses in props are masked as [email], [phone], [ipv4], [ipv6]'),
    ('personal_data_in_user_id', 'kept: a user id that looks like personal data is replaced by a stable pseudonym (user_<md5>)'),
    ('invalid_ip', 'kept without an IP: the ip was not an address (valid ones are kept as their /24 or /48 network)'),
] -%}
{%- set override_rules = [
    ('quota_override_unknown_metric', 'ignored: the override names no quota metric of seeds/event_quota_defaults.csv'),
] -%}

-- The counts per rule come from per-day state (int_events__event_rules_daily), so an incremental run re-reads only
-- the days that changed; the rule definitions live in base_events__events.
with event_days as (
    select * from {{ ref('int_events__event_rules_daily') }}
),

event_rules as (
    select
        {{ summed_rule_counts(rules, computed_elsewhere=['ts_after_as_of']) }},
        ({{ events_after_as_of(ref('base_events__event_versions')) }}) as ts_after_as_of
    from event_days
),

override_checks as (
    select {{ count_rows_where('is_unknown_metric') }} as quota_override_unknown_metric
    from {{ ref('stg_events__quota_overrides') }}
),

final as (
    {{ data_quality_rows([('analytics_events', 'event_rules', rules),
                          ('tenant_quota_overrides', 'override_checks', override_rules)]) }}
)

select * from final
