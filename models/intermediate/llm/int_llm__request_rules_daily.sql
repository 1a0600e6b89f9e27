-- depends_on: {{ ref('int_llm__changed_units') }}
-- depends_on: {{ ref('base_llm__usage_log_versions') }}
{{
    config(
        **incremental_config(
            pre_hook=["{{ local_setting('enable_nestloop', 'off') }}"],
            unique_key='source_day',
            partition_day='source_day',
            indexes=[
                {'columns': ['source_day'], 'unique': true},
            ],
            recompute={
                'manifest': 'int_llm__changed_units',
                'source': 'usage_logs',
                'unit': 'created_day_utc',
                'column': 'source_day',
                'always': "cast('1900-01-01' as date)",
            },
        )
    )
}}

-- Mergeable data-quality state: for each UTC creation day (1900-01-01: no creation time), how many raw usage log
-- rows (deliveries) and how many kept requests each rule of llm_data_quality touched. llm_data_quality sums these
-- rows. Incremental: recomputes the days any delivery of a changed request falls in and the days of changed rows,
-- reading only those days through the raw indexes (macros/incremental/changes.sql).
with logs as (
    {{ rows_on_changed_days(ref('base_llm__usage_logs'), 'request_id', ref('base_llm__usage_log_versions')) }}
),

requests as (
    {{ rows_on_changed_days(ref('int_llm__requests_priced'), 'request_id', ref('base_llm__usage_log_versions')) }}
),

projects as (
    select * from {{ ref('stg_llm__projects') }}
),

log_rules as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("is_missing_request_id") }} as missing_request_id,
        {{ count_rows_where("not is_missing_request_id and version_rank > 1") }} as duplicate_request_delivery,
        {{ count_rows_where("is_missing_project_id") }} as missing_project_id,
        {{ count_rows_where("is_missing_created_at") }} as missing_created_at,
        {{ count_rows_where("is_infinite_time") }} as infinite_time,
        {{ count_rows_where("is_unknown_status") }} as unknown_status,
        {{ count_rows_where("is_invalid_tokens") }} as invalid_tokens,
        {{ count_rows_where("is_implausible_tokens") }} as implausible_tokens,
        {{ count_rows_where("is_invalid_cost") }} as invalid_cost,
        {{ count_rows_where("is_implausible_cost") }} as implausible_cost,
        {{ count_rows_where("is_invalid_latency") }} as invalid_latency,
        {{ count_rows_where("is_latency_outlier") }} as latency_outlier,
        {{ count_rows_where("has_pii_in_model_name") }} as personal_data_in_model_name,
        max(source_changed_at) as last_source_changed_at
    from logs
    group by source_day
),

request_rules as (
    select
        requests.source_day,
        {{ count_rows_where("requests.is_potential_cost_imputed and requests.is_cached") }}
            as cached_potential_cost_priced,
        {{ count_rows_where("requests.is_potential_cost_imputed and not requests.is_cached") }}
            as uncached_potential_cost_set_to_cost,
        {{ count_rows_where("requests.potential_cost_usd is null") }} as potential_cost_unknown,
        {{ count_rows_where("not requests.has_list_price") }} as model_without_price,
        {{ count_rows_where("projects.project_id is null") }} as unknown_project
    from requests
    left join projects on requests.project_id = projects.project_id
    group by requests.source_day
),

final as (
    select
        log_rules.*,
        coalesce(request_rules.cached_potential_cost_priced, 0) as cached_potential_cost_priced,
        coalesce(request_rules.uncached_potential_cost_set_to_cost, 0) as uncached_potential_cost_set_to_cost,
        coalesce(request_rules.potential_cost_unknown, 0) as potential_cost_unknown,
        coalesce(request_rules.model_without_price, 0) as model_without_price,
        coalesce(request_rules.unknown_project, 0) as unknown_project
    from log_rules
    left join request_rules on log_rules.source_day = request_rules.source_day
)

select * from final
