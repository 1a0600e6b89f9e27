-- Every raw event row (re-deliveries included), typed and normalised, personal data masked, with one flag per
-- data-quality rule and version_rank. No row is dropped here: stg_events__events applies the rules,
-- events_data_quality counts them.
with versions as (
    select * from {{ ref('base_events__event_versions') }}
),

normalised as (
    select
        event_id,
        tenant_id,
        {{ pseudonymize_user_id('user_id') }} as user_id,
        {{ has_pii('user_id') }} as has_pii_in_user_id,
        source as raw_source,
        {{ normalize_event_source('source') }} as source,
        event as raw_event,
        {{ normalize_event_name('event') }} as event,
        ts,
        created_day_utc,
        source_changed_at,
        props as raw_props,
        ip as raw_ip,
        {{ truncate_ip('ip') }} as ip_prefix,
        {{ scrub_pii('request_id') }} as request_id
    from versions
),

flagged as (
    select
        *,
        event_id is null as is_missing_event_id,
        tenant_id is null as is_missing_tenant_id,
        user_id is null as is_missing_user_id,
        ts is null or {{ is_infinite_time('ts') }} as is_missing_ts,
        source = 'unknown' as is_unknown_source,
        event <> raw_event as is_event_name_rewritten,
        {{ is_not_domain_action('event') }} as is_event_name_not_domain_action,
        ts < {{ timestamp_literal(var('min_plausible_time')) }} as is_ts_before_plausible_time,
        raw_props is not null and {{ json_typeof('raw_props') }} <> 'object' as is_props_not_object,
        {{ has_pii(dbt.cast('raw_props', 'text')) }} as has_pii_in_props,
        raw_ip is not null and ip_prefix is null as is_invalid_ip,
        row_number() over (
            partition by event_id
            order by ts nulls last, cast(tenant_id as {{ dbt.type_string() }}) nulls last, event nulls last,
                cast(raw_props as {{ dbt.type_string() }}) nulls last
        ) as version_rank
    from normalised
)

select
    flagged.*,
    -- Properties as a tenant may see them: an object, personal data masked (macros/privacy/pii.sql); '{}' for
    -- properties that were not an object or missing.
    case
        when {{ json_typeof('raw_props') }} = 'object' then {{ dbt.cast(scrub_pii(dbt.cast('raw_props', 'text')), 'jsonb') }}
        else {{ dbt.cast("'{}'", 'jsonb') }}
    end as props
from flagged
