-- One row per data-quality rule of the LLM gateway sources: how many raw rows it touched in this build and
-- what the pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
{%- set log_rules = [
    ('missing_request_id', 'dropped: a request without an id cannot be de-duplicated'),
    ('duplicate_request_delivery', 'dropped: the newest delivery (ingested_at) of each request id is kept'),
    ('missing_project_id', 'dropped: the request belongs to no project, so to no tenant'),
    ('missing_created_at', 'dropped: the request has no hour'),
    ('unknown_status', "kept as status 'unknown': counted in total_requests and error_requests"),
    ('invalid_tokens', 'kept: negative or missing token counts are unknown, left out of token sums'),
    ('implausible_tokens', 'kept: a token count above vars.llm_max_tokens_per_request is a logging error, left out of token sums'),
    ('invalid_cost', 'kept: a negative, missing or non-finite (NaN, Infinity) cost_usd is unknown, left out of cost and savings sums'),
    ('implausible_cost', 'kept: a cost_usd above vars.llm_max_cost_usd_per_request is a logging error, left out of cost and savings sums'),
    ('invalid_latency', 'kept: a negative or missing latency is left out of latency metrics'),
    ('latency_outlier', 'kept: latency over vars.llm_latency_outlier_ms is left out of latency metrics'),
    ('personal_data_in_model_name', 'kept: emails, phone numbers and IP addresses in provider or model names are masked as [email], [phone], [ipv4], [ipv6]'),
    ('infinite_time', "dropped when created_at is ±infinity (no hour); an infinite ingested_at ranks as the newest delivery"),
    ('created_after_as_of', 'kept on its own hour; outside month-to-date'),
    ('outside_retention', 'in no aggregate: created before the daily retention cut-off (vars.llm_daily_retention_days), a clock reset to 1970 included'),
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
        {{ summed_rule_counts(log_rules, computed_elsewhere=['created_after_as_of', 'outside_retention']) }},
        ({{ rows_created_after_as_of(ref('base_llm__usage_log_versions')) }}) as created_after_as_of,
        -- Per-day state is kept for every day, so the rows the retention cut-off leaves out are counted as it moves.
        cast(coalesce(sum(case
            when source_day <> cast('1900-01-01' as date)
                and source_day < {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
                then source_rows
            else 0
        end), 0) as bigint) as outside_retention
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
