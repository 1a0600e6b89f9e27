-- One row per data-quality rule of the LLM gateway sources: how many raw rows it touched in this build and
-- what the pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
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
    ('personal_data_in_model_name', 'kept: emails, phone numbers and IP addresses in provider or model names are masked as [email], [phone], [ipv4], [ipv6]'),
    ('created_after_as_of', 'kept on its own hour; outside month-to-date'),
] -%}
{%- set request_rules = [
    ('cached_potential_cost_priced', 'imputed: cached request with potential_cost_usd 0, priced from llm_model_prices (spec backfill)'),
    ('uncached_potential_cost_set_to_cost', 'imputed: non-cached request with potential_cost_usd 0 takes cost_usd (spec backfill)'),
    ('potential_cost_unknown', 'kept: no price or no valid cost, so potential cost and savings are unknown; counted in unpriced_requests'),
    ('model_without_price', 'kept: the model has no row in llm_model_prices at that time (only matters for cached rows not backfilled)'),
    ('unknown_project', 'kept: the project is not in projects, so its rows have no tenant (admins and BI only)'),
] -%}

-- The counts per rule come from per-day state (int_llm__request_rules_daily), so an incremental run re-reads only
-- the days that changed; the rule definitions live there.
with request_days as (
    select * from {{ ref('int_llm__request_rules_daily') }}
),

projects as (
    select * from {{ ref('stg_llm__projects') }}
),

log_rules as (
    select
        {{ summed_rule_counts(log_rules, computed_elsewhere=['created_after_as_of']) }},
        ({{ rows_created_after_as_of(ref('base_llm__usage_log_versions')) }}) as created_after_as_of
    from request_days
),

request_rules as (
    select
        {{ summed_rule_counts(request_rules) }}
    from request_days
),

project_rules as (
    select cast(coalesce(sum(copies_in_source - 1), 0) as bigint) as duplicate_project
    from projects
),

final as (
    {{ data_quality_rows([
        ('usage_logs', 'log_rules', log_rules),
        ('usage_logs', 'request_rules', request_rules),
        ('projects', 'project_rules', [('duplicate_project', 'dropped: the newest copy of each project id is kept')]),
    ]) }}
)

select * from final
