-- depends_on: {{ ref('int_events__changed_units') }}
-- depends_on: {{ ref('base_events__event_versions') }}
{{ config(**events_by_day_config(['source_day'], day='source_day', always="cast('1900-01-01' as date)")) }}

-- Mergeable data-quality state: for each UTC day of event time (1900-01-01: no time), how many raw event rows
-- (deliveries) each rule of events_data_quality touched. events_data_quality sums these rows, and the daily
-- reconciliation compares source_rows with the raw table. Incremental: recomputes the days changed events fall on.
with events as (
    {{ rows_on_changed_days(ref('base_events__events'), 'event_id', ref('base_events__event_versions'), 'ts') }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("is_missing_event_id") }} as missing_event_id,
        {{ count_rows_where("not is_missing_event_id and version_rank > 1") }} as duplicate_event_delivery,
        {{ count_rows_where("is_missing_tenant_id") }} as missing_tenant_id,
        {{ count_rows_where("is_missing_ts") }} as missing_ts,
        {{ count_rows_where("is_missing_user_id") }} as missing_user_id,
        {{ count_rows_where("is_unknown_source") }} as unknown_source,
        {{ count_rows_where("is_event_name_rewritten") }} as event_name_normalised,
        {{ count_rows_where("is_event_name_not_domain_action") }} as event_name_not_domain_action,
        {{ count_rows_where("is_ts_before_plausible_time") }} as ts_before_plausible_time,
        {{ count_rows_where("is_props_not_object") }} as props_not_object,
        {{ count_rows_where("has_pii_in_props") }} as personal_data_in_props,
        {{ count_rows_where("has_pii_in_user_id") }} as personal_data_in_user_id,
        {{ count_rows_where("is_invalid_ip") }} as invalid_ip,
        max(source_changed_at) as last_source_changed_at
    from events
    group by source_day
)

select * from final
