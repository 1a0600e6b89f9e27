{#-
    The body of spec 001's usage_aggregations_hourly and usage_aggregations_daily ("same structure as
    hourly, but aggregated by day"): one row per project per time bucket, from the mergeable hourly state.
      bucket: 'hour' (column hour_start) or 'day' (column date, the UTC day)
      retention_days: rows older than this many days before as_of are not built (spec 001, "Retention")
    Incremental runs recompute every bucket int_llm__changed_units lists as changed since the model's last run.
-#}
{% macro llm_usage_aggregation(bucket, retention_days) -%}
    {%- set key = 'hour_start' if bucket == 'hour' else 'date' -%}
    {%- set key_expression = 'hour_start' if bucket == 'hour' else 'created_day_utc' -%}
with state as (
    select *{% if bucket != 'hour' %}, {{ key_expression }} as {{ key }}{% endif %}
    from {{ ref('int_llm__usage_hourly') }}
    where {{ utc_day('hour_start') }} >= {{ retention_cutoff_day(retention_days) }}
    {% if is_incremental() %}
        and {{ in_recomputed_units(key_expression) }}
    {% endif %}
),

histogram as (
    select
        project_id,
        {{ key_expression }} as {{ key }},
        latency_bucket,
        requests
    from {{ ref('int_llm__latency_histogram_hourly') }}
    where {{ in_subquery('hour_start', 'select distinct hour_start from state') }}
),

per_model as (
    select
        project_id,
        tenant_id,
        {{ key }},
        provider,
        model,
        {{ llm_usage_state_from_state() }},
        max(last_source_changed_at) as last_source_changed_at
    from state
    group by project_id, tenant_id, {{ key }}, provider, model
),

-- The per-provider and per-model request counts as window sums over the (provider, model) rows, each
-- counted on one row of its group, so one aggregation builds the totals and both JSON objects (joining
-- three grouped CTEs on the composite key made PostgreSQL under-estimate rows and pick nested loops).
breakdowns as (
    select
        *,
        sum(total_requests) over (partition by project_id, {{ key }}, provider) as provider_requests,
        row_number() over (partition by project_id, {{ key }}, provider order by model) as provider_row,
        sum(total_requests) over (partition by project_id, {{ key }}, model) as model_requests,
        row_number() over (partition by project_id, {{ key }}, model order by provider) as model_row
    from per_model
),

per_project as (
    select
        project_id,
        tenant_id,
        {{ key }},
        {{ llm_usage_state_from_state() }},
        {{ json_object_agg('provider', 'provider_requests', where='provider_row = 1') }} as requests_by_provider,
        {{ json_object_agg('model', 'model_requests', where='model_row = 1') }} as requests_by_model,
        max(last_source_changed_at) as last_source_changed_at
    from breakdowns
    group by project_id, tenant_id, {{ key }}
),

latency_p95 as (
    {{ histogram_quantile('histogram', ['project_id', key], 0.95, 'p95_latency_ms',
                          bucket_column='latency_bucket', count_column='requests') }}
),

final as (
    select
        per_project.project_id,
        per_project.tenant_id,
        per_project.{{ key }},
        {{ llm_usage_kpis('per_project') }},
        latency_p95.p95_latency_ms,
        per_project.requests_by_provider,
        per_project.requests_by_model,
        per_project.last_source_changed_at
    from per_project
    left join latency_p95
        on per_project.project_id = latency_p95.project_id and per_project.{{ key }} = latency_p95.{{ key }}
)

select * from final
{%- endmacro %}
