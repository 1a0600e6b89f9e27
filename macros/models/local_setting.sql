{#-
    A PostgreSQL setting for one model's build, as a pre-hook: `set local` lasts until the model's transaction
    ends. For planner settings where a row estimate is known to mislead: the staging views' "newest version" filter
    (version_rank = 1) is estimated at 0.5 % of the rows, and at 10 million rows that makes a nested loop over
    every request look cheap (a 20-minute build instead of a minute). The same holds where an incremental run finds
    the changed entities' ids (`id = any(array(...))`, estimated at 10 rows) and joins their rows back on the id
    (int_tryon__jobs_enriched, the change manifests): a nested loop gave every inner index probe the whole array
    again, quadratic in the changed entities (350,000 changed jobs at 10M: over 12 minutes instead of 18 s). Such
    models build with enable_nestloop off. Other engines: no-op.
-#}
{% macro local_setting(name, value) -%}
    {{ return(adapter.dispatch('local_setting', 'tenant_analytics')(name, value)) }}
{%- endmacro %}

{% macro default__local_setting(name, value) -%}
    select 1
{%- endmacro %}

{% macro postgres__local_setting(name, value) -%}
    set local {{ name }} = {{ value }}
{%- endmacro %}
