{#-
    What a data test reads (README, "Tests"). A full build, a full refresh or a catch-up run tests every row. An hourly
    run (a Dagster partition: the run settings window_start / window_end) tests what it changed: the rows of the units
    (UTC days, hours, months) and the entities its window touched, the ones it rewrote. Rows it did not touch were
    tested when they were written and have not changed since; the tests of a first build and of every full refresh
    read them all. Without this, each hourly run re-read every staging view (a de-duplication window over all raw rows)
    and every mart for its tests: 99 s of the 142 s of database time of a scheduled run at 1 million rows per domain.

    The scope of a model's tests comes from its config:
      - an incremental model with `recompute` (macros/incremental/config.sql): its unit column, in the units of its
        domain's change manifest changed in the window;
      - meta `test_scope` for the others that are worth it (staging views, views over incremental marts):
          {column: <the model's column>, versions: <base_*_versions model>, entity: <its id column>}
              the entities with a version changed in the window (read through the raw id index; or, with a unit
              column of the versions as `entity`, the units of the versions changed in the window), or
          {column: <the model's column>, units: <change manifest>, source: <source_name>, unit: <manifest column>}
              the units of the manifest changed in the window.
    A model with neither is tested whole (small tables, the marts rebuilt whole).
-#}

{#- dbt wraps the model of every generic test in get_where_subquery: here it also applies the run's scope. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do filters.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scope = tested_model_scope() -%}
    {%- if scope -%}
        {%- do filters.append(scope) -%}
    {%- endif -%}
    {%- if filters -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ filters | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition that limits the test being compiled to what this run changed; '' when it reads everything. -#}
{% macro tested_model_scope() -%}
    {%- if not execute or not has_partition_window() or not model.get('attached_node') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model['attached_node']) -%}
    {%- set meta = (tested or {}).get('config', {}).get('meta', {}) -%}
    {%- set scope = meta.get('test_scope') -%}
    {%- if not scope and meta.get('recompute') -%}
        {%- set recompute = meta['recompute'] -%}
        {%- set scope = {'column': recompute.column, 'units': recompute.manifest, 'source': recompute.source,
                         'unit': recompute.unit} -%}
    {%- endif -%}
    {%- if not scope -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(in_run_scope(scope.column, scope)) }}
{%- endmacro %}

{#- column lies in what this run changed, as `scope` (above) says; true outside an hourly run. Models are named, not
    ref'd: a ref would make the manifest a parent of the test, and dbt's eager selection would then run the test with
    the manifest alone (before the model it checks). -#}
{% macro in_run_scope(column, scope) -%}
    {%- if not has_partition_window() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- if scope.get('versions') -%}
        {#- distinct: `entity` may be a unit of the versions (their UTC day), repeated on every changed row. -#}
        {%- set changed -%}
            select distinct {{ scope.entity }} from {{ project_relation(scope.versions) }}
            where {{ changed_in_or_after_window('source_changed_at') }}
        {%- endset -%}
    {%- else -%}
        {%- set changed = changed_units_in_window(project_relation(scope.units), scope.source, scope.unit) -%}
    {%- endif -%}
    {{ return(in_subquery(column, changed)) }}
{%- endmacro %}

{#- A change time in this run's window (with the lookback before it that the run also applies) or later: a unit or
    entity the run changed may also have changed since (a backfill of an older day), so no upper bound. -#}
{% macro changed_in_or_after_window(column) -%}
    {{ column }} >= {{ window_lookback_start() }}
{%- endmacro %}

{#- The units of source_name in a change manifest that changes in this run's window touched (the manifest stamps a
    unit with the newest change that touched it); unit 'month' for the months of the changed days. -#}
{% macro changed_units_in_window(manifest, source_name, unit) -%}
    {%- set column = month_of_day('created_day_utc') if unit == 'month' else unit -%}
    select distinct {{ column }} from {{ manifest }}
    where source_name = '{{ source_name }}' and {{ changed_in_or_after_window('last_changed_at') }}
{%- endmacro %}

{#- A model of this project by name (a relation), or a relation passed through: a test's scope may name a model its
    test does not ref. -#}
{% macro project_relation(name_or_relation) -%}
    {%- if name_or_relation is not string -%}
        {{ return(name_or_relation) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == name_or_relation and node.package_name == project_name -%}
            {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("test scope: no model named " ~ name_or_relation) }}
{%- endmacro %}

{#- For a singular test over a ranked (staging) view: the rows of the units of `scope` (a manifest scope, above) that
    this run changed, read as the incremental models read them (the ids with a version in those units, through the raw
    id index, then the unit); true outside an hourly run. -#}
{% macro rows_in_run_units(unit_column, entity_column, versions, scope) -%}
    {%- if not has_partition_window() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set units = changed_units_in_window(project_relation(scope.units), scope.source, scope.unit) -%}
    {{ return(is_entity_in_units(entity_column, project_relation(versions), scope.unit, units) ~ ' and '
              ~ in_subquery(unit_column, units)) }}
{%- endmacro %}

{#- The relation under a generic test's `model`, which get_where_subquery may have made a subquery of (a test that
    introspects the columns needs the relation itself). -#}
{% macro unscoped_relation(model) -%}
    {%- if model is string -%}
        {%- set found = modules.re.search('from\\s+((?:[`"][^`"]+[`"]\\.)+[`"][^`"]+[`"])', model) -%}
        {%- set parts = modules.re.findall('[`"]([^`"]+)[`"]', found.group(1)) -%}
        {%- if parts | length == 3 -%}
            {{ return(api.Relation.create(database=parts[0], schema=parts[1], identifier=parts[2])) }}
        {%- endif -%}
        {{ return(api.Relation.create(schema=parts[0], identifier=parts[1])) }}
    {%- endif -%}
    {{ return(model) }}
{%- endmacro %}
