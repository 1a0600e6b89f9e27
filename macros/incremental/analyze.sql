{#-
    PostgreSQL plans an incremental run from its tables' statistics. A table a first build or a full refresh has just
    created has none until autovacuum gets to it, and the next incremental run then picks poor plans: at 1M jobs,
    int_tryon__jobs_enriched took 6.9 s in the first scheduled run after a full build, 2.6 s with statistics (bench,
    2026-11-27). So at the end of every invocation (on-run-end) the incremental models it built that were never
    analyzed (created by it: a first build, a full refresh, a contract mart's create-then-insert) are analyzed; the
    ones it merged into keep autovacuum's statistics. Elsewhere, nothing.
-#}
{% macro analyze_created_incremental_models() -%}
    {{ return(adapter.dispatch('analyze_created_incremental_models', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__analyze_created_incremental_models() -%}
    select 1
{%- endmacro %}

{% macro postgres__analyze_created_incremental_models() -%}
    {%- set relations = [] -%}
    {%- if execute -%}
        {%- for result in results -%}
            {%- if result.node.resource_type == 'model' and result.status == 'success'
                  and result.node.config.materialized == 'incremental' -%}
                {%- do relations.append("('" ~ result.node.schema ~ "', '" ~ result.node.alias ~ "')") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if relations %}
    -- Without statistics: created in this invocation (a merge into an existing table keeps autovacuum's statistics).
    do $analyze$
    declare created record;
    begin
        for created in
            -- pg_stats: the column statistics the planner uses, readable by the tables' owner (pg_stat_* is not,
            -- under the lock-down).
            select tables.schemaname, tables.tablename from pg_tables as tables
            where (tables.schemaname, tables.tablename) in ({{ relations | join(', ') }})
              and not exists (select 1 from pg_stats as stats
                              where stats.schemaname = tables.schemaname and stats.tablename = tables.tablename)
        loop
            execute format('analyze %I.%I', created.schemaname, created.tablename);
        end loop;
    end
    $analyze$
    {%- else %}
    select 1
    {%- endif %}
{%- endmacro %}
