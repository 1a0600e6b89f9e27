{#-
    dbt run-operation apply_llm_retention  (spec 001, "Retention Policy"; the Dagster job llm_retention runs
    it daily): deletes hourly aggregates older than vars.llm_hourly_retention_days and daily aggregates and
    hourly state older than vars.llm_daily_retention_days, counted from as_of. The models apply the same
    cut-offs when they build, so a full refresh never brings old rows back. Raw logs are not touched.
-#}
{% macro apply_llm_retention() -%}
    {%- set plan = [
        ('usage_aggregations_hourly', "hour_start", var('llm_hourly_retention_days')),
        ('usage_aggregations_daily', 'date', var('llm_daily_retention_days')),
        ('usage_aggregations_daily_by_model', 'date', var('llm_daily_retention_days')),
        ('int_llm__usage_hourly', 'hour_start', var('llm_daily_retention_days')),
        ('int_llm__latency_histogram_hourly', 'hour_start', var('llm_daily_retention_days')),
    ] -%}
    {%- for model_name, column, days in plan -%}
        {%- set relation = built_relation(model_name) -%}
        {%- if relation is none -%}
            {%- do log(model_name ~ ": not built yet (or the llm domain is switched off), nothing to delete",
                       info=true) -%}
        {%- else -%}
            {%- set day = utc_day(column) if column == 'hour_start' else column -%}
            {%- set sql -%}
                {{ hook_role() }}
                delete from {{ relation }} where {{ day }} < {{ retention_cutoff_day(days) }}
            {%- endset -%}
            {%- set result = run_query(sql) -%}
            {%- do log(model_name ~ ": deleted the rows older than " ~ days ~ " days", info=true) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
{%- endmacro %}
