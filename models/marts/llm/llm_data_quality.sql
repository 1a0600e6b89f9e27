-- One row per data-quality rule of the LLM gateway sources: how many raw rows it touched in this build and
-- what the pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
with logs as (
    select * from {{ ref('base_llm__usage_logs') }}
),

requests as (
    select * from {{ ref('stg_llm__usage_logs') }}
),

projects as (
    select * from {{ ref('stg_llm__projects') }}
),

log_rules as (
    select
        cast(sum(case when is_missing_request_id then 1 else 0 end) as bigint) as missing_request_id,
        cast(sum(case when not is_missing_request_id and version_rank > 1 then 1 else 0 end) as bigint)
            as duplicate_request_delivery,
        cast(sum(case when is_missing_project_id then 1 else 0 end) as bigint) as missing_project_id,
        cast(sum(case when is_missing_created_at then 1 else 0 end) as bigint) as missing_created_at,
        cast(sum(case when is_unknown_status then 1 else 0 end) as bigint) as unknown_status,
        cast(sum(case when is_invalid_tokens then 1 else 0 end) as bigint) as invalid_tokens,
        cast(sum(case when is_invalid_cost then 1 else 0 end) as bigint) as invalid_cost,
        cast(sum(case when is_invalid_latency then 1 else 0 end) as bigint) as invalid_latency,
        cast(sum(case when is_latency_outlier then 1 else 0 end) as bigint) as latency_outlier,
        cast(sum(case when created_at > {{ as_of() }} then 1 else 0 end) as bigint) as created_after_as_of
    from logs
),

request_rules as (
    select
        cast(sum(case when is_potential_cost_imputed and is_cached then 1 else 0 end) as bigint)
            as cached_potential_cost_priced,
        cast(sum(case when is_potential_cost_imputed and not is_cached then 1 else 0 end) as bigint)
            as uncached_potential_cost_set_to_cost,
        cast(sum(case when potential_cost_usd is null then 1 else 0 end) as bigint) as potential_cost_unknown,
        cast(sum(case when not has_list_price then 1 else 0 end) as bigint) as model_without_price,
        cast(sum(case when projects.project_id is null then 1 else 0 end) as bigint) as unknown_project
    from requests
    left join projects on requests.project_id = projects.project_id
),

project_rules as (
    select cast(coalesce(sum(copies_in_source - 1), 0) as bigint) as duplicate_project
    from projects
),

{%- set log_rules = [
    ('missing_request_id', 'dropped: a request without an id cannot be de-duplicated'),
    ('duplicate_request_delivery', 'dropped: the newest delivery (ingested_at) of each request id is kept'),
    ('missing_project_id', 'dropped: the request belongs to no project, so to no tenant'),
    ('missing_created_at', 'dropped: the request has no hour'),
    ('unknown_status', "kept as status 'unknown': counted in total_requests and error_requests"),
    ('invalid_tokens', 'kept: negative or missing token counts are unknown, left out of token sums'),
    ('invalid_cost', 'kept: a negative or missing cost_usd is unknown, left out of cost and savings sums'),
    ('invalid_latency', 'kept: a negative or missing latency is left out of latency metrics'),
    ('latency_outlier', 'kept: latency over vars.llm_latency_outlier_ms is left out of latency metrics'),
    ('created_after_as_of', 'kept on its own hour; outside month-to-date'),
] -%}
{%- set request_rules = [
    ('cached_potential_cost_priced', 'imputed: cached request with potential_cost_usd 0, priced from llm_model_prices (spec backfill)'),
    ('uncached_potential_cost_set_to_cost', 'imputed: non-cached request with potential_cost_usd 0 takes cost_usd (spec backfill)'),
    ('potential_cost_unknown', 'kept: no price or no valid cost, so potential cost and savings are unknown; counted in unpriced_requests'),
    ('model_without_price', 'kept: the model has no row in llm_model_prices at that time (only matters for cached rows not backfilled)'),
    ('unknown_project', 'kept: the project is not in projects, so its rows have no tenant (admins and BI only)'),
] -%}

final as (
    {{ data_quality_rows([
        ('usage_logs', 'log_rules', log_rules),
        ('usage_logs', 'request_rules', request_rules),
        ('projects', 'project_rules', [('duplicate_project', 'dropped: the newest copy of each project id is kept')]),
    ]) }}
)

select * from final
