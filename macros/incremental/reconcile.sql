{#-
    dbt run-operation reconcile_deletions  (the Dagster job reconcile_deletions runs it daily; README, "How the
    incremental runs stay exact"): raw rows deleted at the source (a tenant offboarded, a job purged) leave no change
    time behind, so no incremental run would see them. This compares, per source and UTC day, the raw rows the
    staging version view holds with the rows the domain's per-day data-quality state counted when it last built
    (source_rows), and stamps every day that differs in the change manifest with the newest change the manifest has seen
    (not the wall clock, which would move the manifest's own watermark past changes still to come): the next
    incremental run recomputes those days whole (the models' pre-hooks empty a day no row is left on). Entity-level state drops the
    entities staging no longer has (int_tryon__jobs_enriched). PostgreSQL only; reads every raw row's day through the
    day index, so it is a daily job, not an hourly one.
-#}
{% macro reconcile_deletions() -%}
    {#- Per source: its manifest, version view and per-day rules state (raw rows per day: source_rows), and its staged
        entities, their day, the per-day state counting them and the column that counts them. The second comparison
        catches what the first cannot: deleting an entity's newest version brings an older one back, perhaps on another
        day whose raw row count did not change (events are never updated: their raw rows per day are enough). Days
        before first_day are left alone: their raw rows are purged on purpose (events: the application keeps 90 days)
        or their state is past retention (LLM), and recomputing them would erase what the marts keep. -#}
    {%- set checks = [
        ('int_tryon__changed_units', 'tryon_jobs', 'base_tryon__job_versions', 'int_tryon__job_rules_daily',
         'stg_tryon__jobs', utc_day('created_at'), 'int_tryon__job_stats_daily', 'total_jobs', none),
        ('int_tryon__changed_units', 'credit_ledgers', 'base_tryon__credit_ledger_versions',
         'int_tryon__ledger_rules_daily', 'stg_tryon__credit_ledger_entries', utc_day('created_at'),
         'int_tryon__credit_ledger_daily', 'ledger_entries', none),
        ('int_llm__changed_units', 'usage_logs', 'base_llm__usage_log_versions', 'int_llm__request_rules_daily',
         'stg_llm__usage_logs', 'created_day_utc', 'int_llm__usage_hourly', 'total_requests',
         retention_cutoff_day(var('llm_daily_retention_days'))),
        ('int_events__changed_units', 'analytics_events', 'base_events__event_versions', 'int_events__event_rules_daily',
         none, none, none, none, retention_cutoff_day((var('events_raw_retention_days') | int) - 1)),
    ] -%}
    {%- for manifest_name, source_name, versions_name, rules_name, staged_name, staged_day, state_name, state_count,
            first_day in checks -%}
        {%- set manifest, versions, rules = built_relation(manifest_name), built_relation(versions_name),
                                             built_relation(rules_name) -%}
        {%- set staged = built_relation(staged_name) if staged_name is not none else none -%}
        {%- set state = built_relation(state_name) if state_name is not none else none -%}
        {%- if manifest is none or versions is none or rules is none
               or (staged_name is not none and (staged is none or state is none)) -%}
            {%- do log(source_name ~ ": not built (or its domain is switched off), nothing to reconcile", info=true) -%}
        {%- else -%}
            {%- set differing -%}
                select coalesce(raw.created_day_utc, stored.source_day) as created_day_utc
                from (select created_day_utc, count(*) as source_rows from {{ versions }} group by created_day_utc) as raw
                full outer join {{ rules }} as stored on raw.created_day_utc = stored.source_day
                where raw.source_rows is distinct from stored.source_rows
                {%- if first_day is not none %}
                  and coalesce(raw.created_day_utc, stored.source_day) >= {{ first_day }}
                {%- endif %}
                {%- if staged_name is not none %}
                union
                select coalesce(kept.day, counted.day)
                from (select {{ staged_day }} as day, count(*) as entities from {{ staged }} group by 1) as kept
                full outer join (
                    select created_day_utc as day, sum({{ state_count }}) as entities from {{ state }} group by 1
                ) as counted on kept.day = counted.day
                where kept.entities is distinct from counted.entities
                {%- if first_day is not none %}
                  and coalesce(kept.day, counted.day) >= {{ first_day }}
                {%- endif %}
                {%- endif %}
            {%- endset -%}
            {%- set days = run_query(differing).columns[0].values() -%}
            {%- set newest -%}
                coalesce(
                    (select max(last_changed_at) from {{ manifest }}
                     where last_changed_at <= {{ timestamp_literal(run_started_iso()) }}),
                    {{ timestamp_literal(run_started_iso()) }}
                )
            {%- endset -%}
            {%- if days | length > 0 -%}
                {%- set day_list -%}
                    {%- for day in days %}cast('{{ day }}' as date){{ ', ' if not loop.last }}{% endfor -%}
                {%- endset -%}
                {%- set sql -%}
                    {{ hook_role() }}
                    update {{ manifest }}
                    set last_changed_at = greatest(last_changed_at, {{ newest }}), last_invocation_id = '{{ invocation_id }}'
                    where source_name = '{{ source_name }}' and created_day_utc in ({{ day_list }});
                    {%- if manifest_name in ('int_tryon__changed_units', 'int_events__changed_units') %}
                    insert into {{ manifest }} (source_name, created_day_utc, last_changed_at, last_invocation_id)
                    select '{{ source_name }}', day, {{ newest }}, '{{ invocation_id }}'
                    from unnest(array[{{ day_list }}]) as days (day)
                    where not exists (
                        select 1 from {{ manifest }} as m where m.source_name = '{{ source_name }}' and m.created_day_utc = day
                    );
                    {%- endif %}
                {%- endset -%}
                {%- do run_query(sql) -%}
            {%- endif -%}
            {%- do log(source_name ~ ": " ~ (days | length) ~ " UTC days differ from the stored state; stamped as changed",
                       info=true) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set enriched, jobs = built_relation('int_tryon__jobs_enriched'), built_relation('stg_tryon__jobs') -%}
    {%- if enriched is not none and jobs is not none -%}
        {%- set sql -%}
            {{ hook_role() }}
            delete from {{ enriched }} as enriched
            where not exists (select 1 from {{ jobs }} as jobs where jobs.job_id = enriched.job_id)
        {%- endset -%}
        {%- set result = run_query(sql) -%}
        {%- do log("int_tryon__jobs_enriched: dropped the jobs staging no longer has", info=true) -%}
    {%- endif -%}
    {%- do adapter.commit() -%}
{%- endmacro %}

{#- The relation a model (by name) was built into, or none when it is disabled or not built yet. -#}
{% macro built_relation(model_name) -%}
    {%- set node = graph.nodes.values() | selectattr('name', 'equalto', model_name) | first -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) if node else none) }}
{%- endmacro %}
