{#- ===== LLM gateway metric formulas (spec 001). Each is written here once. ===== -#}

{% macro llm_known_statuses() -%}{{ return(['success', 'error', 'timeout']) }}{%- endmacro %}

{% macro normalize_llm_status(raw_status) -%}
    case
        when lower(trim({{ raw_status }})) in {{ sql_list(llm_known_statuses()) }} then lower(trim({{ raw_status }}))
        else 'unknown'
    end
{%- endmacro %}

{#- List price of a request from the price list: (tokens_input * input + tokens_output * output) / 1000, the
    spec's backfill formula; null when the model has no price at that time or a token count is unknown. -#}
{% macro llm_list_cost_usd(tokens_input, tokens_output, input_price_per_1k, output_price_per_1k) -%}
    round(({{ tokens_input }} * {{ input_price_per_1k }} + {{ tokens_output }} * {{ output_price_per_1k }}) / 1000, 8)
{%- endmacro %}

{#- What the request would have cost without the cache (spec 001, "Cache Cost Savings" and "Backfill"):
    the logged potential_cost_usd when positive; otherwise (0 or missing: not backfilled) the list price for a
    cached request, and the actual cost for a non-cached one. Null when it cannot be known. -#}
{% macro llm_potential_cost_usd(raw_potential, is_cached, cost_usd, list_cost_usd) -%}
    case
        when {{ raw_potential }} > 0 then {{ raw_potential }}
        when {{ is_cached }} then {{ list_cost_usd }}
        else {{ cost_usd }}
    end
{%- endmacro %}

{#- Savings: potential_cost_usd - cost_usd (spec 001). -#}
{% macro llm_savings_usd(potential_cost_usd, cost_usd) -%}
    ({{ potential_cost_usd }} - {{ cost_usd }})
{%- endmacro %}

{#- Cache hit rate: cached / total requests as 0..100 (the spec's "Cache Hit Rate %"); null with no request.
    An exact decimal, not a float: the spec's own dashboard SQL applies round(x, 2) to it. -#}
{% macro cache_hit_rate(cached_requests, total_requests) -%}
    (100 * cast({{ cached_requests }} as {{ dbt.type_numeric() }}) / nullif({{ total_requests }}, 0))
{%- endmacro %}

{#- Additive usage state of a group of requests (rows of stg_llm__usage_logs). Sums skip unknown values
    (null tokens, costs, latencies), and the *_requests counters say how many were skipped. -#}
{% macro llm_usage_state_from_requests() -%}
    cast(count(*) as bigint) as total_requests,
    cast(sum(case when is_cached then 1 else 0 end) as bigint) as cached_requests,
    cast(sum(case when status <> 'success' then 1 else 0 end) as bigint) as error_requests,
    cast(coalesce(sum(tokens_input), 0) as bigint) as total_tokens_input,
    cast(coalesce(sum(tokens_output), 0) as bigint) as total_tokens_output,
    coalesce(sum(cost_usd), 0) as total_cost_usd,
    coalesce(sum(potential_cost_usd), 0) as total_potential_cost_usd,
    coalesce(sum(savings_usd), 0) as total_savings_usd,
    cast(sum(case when potential_cost_usd is null then 1 else 0 end) as bigint) as unpriced_requests,
    cast(sum(case when is_potential_cost_imputed then 1 else 0 end) as bigint) as potential_cost_imputed_requests,
    cast(coalesce(sum(latency_ms), 0) as bigint) as latency_ms_sum,
    cast(count(latency_ms) as bigint) as latency_requests
{%- endmacro %}

{#- The same state, summed from rows that already hold it (hours into days, models into projects). -#}
{% macro llm_usage_state_from_state() -%}
    {%- for col in llm_state_columns() %}
    {%- if col.endswith('_usd') %}
    sum({{ col }}) as {{ col }}{{ ',' if not loop.last }}
    {%- else %}
    cast(sum({{ col }}) as bigint) as {{ col }}{{ ',' if not loop.last }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro llm_state_columns() -%}
    {{ return(['total_requests', 'cached_requests', 'error_requests', 'total_tokens_input', 'total_tokens_output',
               'total_cost_usd', 'total_potential_cost_usd', 'total_savings_usd', 'unpriced_requests',
               'potential_cost_imputed_requests', 'latency_ms_sum', 'latency_requests']) }}
{%- endmacro %}

{#- The spec's columns, from a CTE or relation `state` holding the state columns. -#}
{% macro llm_usage_kpis(state) -%}
    {{ state }}.total_requests,
    {{ state }}.cached_requests,
    {{ cache_hit_rate(state ~ '.cached_requests', state ~ '.total_requests') }} as cache_hit_rate,
    {{ state }}.error_requests,
    {{ state }}.total_tokens_input,
    {{ state }}.total_tokens_output,
    {{ state }}.total_tokens_input + {{ state }}.total_tokens_output as total_tokens,
    {{ state }}.total_cost_usd,
    {{ state }}.total_potential_cost_usd,
    {{ state }}.total_savings_usd,
    {{ state }}.unpriced_requests,
    {{ state }}.potential_cost_imputed_requests,
    {{ safe_divide(state ~ '.latency_ms_sum', state ~ '.latency_requests') }} as avg_latency_ms
{%- endmacro %}

{#- A JSON object {key: value, ...} aggregated over the rows of a group where `where` holds (spec 001's
    requests_by_provider / _by_model). -#}
{% macro json_object_agg(key, value, where='true') -%}
    {{ return(adapter.dispatch('json_object_agg', 'tenant_analytics')(key, value, where)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value, where) -%}
    to_json(map_from_entries(collect_list(case when {{ where }} then struct({{ key }}, {{ value }}) end)))
{%- endmacro %}

{% macro postgres__json_object_agg(key, value, where) -%}
    jsonb_object_agg({{ key }}, {{ value }} order by {{ key }}) filter (where {{ where }})
{%- endmacro %}

{#- The first day still kept under a retention of `days` days before as_of (spec 001, "Retention Policy"). -#}
{% macro retention_cutoff_day(days) -%}
    {{ dbt.dateadd('day', -1 * (days | int), utc_day(as_of())) }}
{%- endmacro %}

{#- Run-rate projection (spec 001, "Cost Forecasting"): month-to-date cost / elapsed time * month length;
    null before any time has elapsed. -#}
{% macro llm_run_rate_projection(month_to_date_cost, elapsed_seconds, month_seconds) -%}
    (cast({{ month_to_date_cost }} as {{ type_double() }}) * {{ month_seconds }} / nullif({{ elapsed_seconds }}, 0))
{%- endmacro %}

{#- The KPI columns llm_usage_kpis() produces, for views that pass them through. -#}
{% macro llm_kpi_columns() -%}
    total_requests, cached_requests, cache_hit_rate, error_requests, total_tokens_input, total_tokens_output,
    total_tokens, total_cost_usd, total_potential_cost_usd, total_savings_usd, unpriced_requests,
    potential_cost_imputed_requests, avg_latency_ms
{%- endmacro %}
