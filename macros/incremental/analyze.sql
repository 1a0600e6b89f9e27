{#-
    PostgreSQL plans an incremental run from its tables' statistics. A table a first build or a full refresh has just
    created has none until autovacuum gets to it, and the next incremental run then picks poor plans: at 1M jobs,
    int_tryon__jobs_enriched took 6.9 s in the first scheduled run after a full build, 2.6 s with statistics (bench,
    2026-11-27). So at the end of every invocation (on-run-end) the incremental models it created are analyzed; the
    ones it merged into keep autovacuum's statistics. Elsewhere, nothing.
-#}
{% macro analyze_created_incremental_models() -%}
    {{ return(adapter.dispatch('analyze_created_incremental_models', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__analyze_created_incremental_models() -%}
    select 1
{%- endmacro %}

{% macro postgres__analyze_created_incremental_models() -%}
    {%- set statements = [] -%}
    {%- if execute -%}
        {%- for result in results -%}
            {%- set message = (result.adapter_response or {}).get('_message') or '' -%}
            {%- if result.node.resource_type == 'model' and result.status == 'success'
                  and result.node.config.materialized == 'incremental' and message.startswith('SELECT') -%}
                {%- do statements.append('analyze ' ~ adapter.quote(result.node.schema) ~ '.'
                                          ~ adapter.quote(result.node.alias)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ (statements | join(';\n')) if statements else 'select 1' }}
{%- endmacro %}
