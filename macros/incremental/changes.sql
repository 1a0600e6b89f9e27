{#-
    What an incremental run recomputes. Incremental runs recompute whole units (UTC days, months, hours); they never
    add deltas to stored rows. The flow, one domain at a time (README, "Incremental runs"):

      raw table --> base_<domain>__<entity>_versions   (staging: every raw row's id, change time and UTC buckets;
                     |                                  no window function, so a filter on them reaches the raw indexes)
                     v
      int_<domain>__changed_units  (the domain's change manifest: per source and unit, the newest change that
                     |              touched it, and the run that last touched it)
                     v
      every incremental state model and mart: recomputes the units whose change time is at or after its own
      watermark minus incremental_lookback_hours, through the macros below.

    A model's watermark is the newest change time it has already processed (a column of its own rows, usually
    last_source_changed_at), so each model keeps its own high-water mark: a run that failed half way leaves the
    unfinished models' watermarks behind and the next run recomputes what they missed. Change times after the start
    of this run (skewed clocks) are left out of the watermark so they cannot freeze it; such units are recomputed on
    every run, which is idempotent.

    With the vars window_start / window_end (dates; a Dagster partition window, half-open [start, end)) the manifest
    takes the rows whose change time lies in [window_start - incremental_lookback_hours, window_end), so rows that
    arrive late within the lookback are still applied, and the models downstream recompute the units the manifest
    touched in this invocation.
-#}

{#- The start of this run's change window, as a literal: the stored watermark is read when the model compiles, so
    the planner sees a constant (an index range on the change time) rather than a sub-select it must guess at. -#}
{% macro lookback_start(watermark_column) -%}
    {%- set watermark_sql = 'select cast(max(' ~ watermark_column ~ ') as ' ~ dbt.type_string() ~ ') from ' ~ this
        ~ ' where ' ~ watermark_column ~ ' <= ' ~ timestamp_literal(run_started_iso()) -%}
    {%- set watermark = none -%}
    {%- if execute -%}
        {%- set watermark = run_query(watermark_sql).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set watermark_text = watermark if watermark else '1900-01-01T00:00:00+00:00' -%}
    {{ dbt.dateadd('hour', -1 * (var('incremental_lookback_hours') | int), timestamp_literal(watermark_text)) }}
{%- endmacro %}

{% macro has_partition_window() -%}
    {%- set start, end = run_var('window_start'), run_var('window_end') -%}
    {%- if (start and not end) or (end and not start) -%}
        {{ exceptions.raise_compiler_error("window_start and window_end go together: got window_start='"
            ~ start ~ "', window_end='" ~ end ~ "'") }}
    {%- endif -%}
    {{ return(start != '' and end != '') }}
{%- endmacro %}

{#- True for a staged row changed in this run's scope (see above); used by the change manifests and by
    int_tryon__jobs_enriched, the entity-level model the try-on manifest reads. A change time after the run's start (a
    clock ahead, a year 2999, infinity) cannot be placed in any past window: such a row is in every run's scope until
    its time has passed, so an incremental run holds it exactly as a full refresh does (the watermark ignores it). -#}
{% macro changed_since_last_run(changed_column, watermark_column) -%}
    {%- if has_partition_window() -%}
        (({{ changed_column }} >= {{ window_lookback_start() }}
            and {{ changed_column }} < {{ timestamp_literal(run_var('window_end') ~ 'T00:00:00+00:00') }})
            or {{ changed_column }} > {{ timestamp_literal(run_started_iso()) }})
    {%- else -%}
        {{ changed_column }} >= {{ lookback_start(watermark_column) }}
    {%- endif -%}
{%- endmacro %}

{#- The earliest change a partition window's run reads: the window's start minus the lookback (late rows that landed
    before the window but belong to it). Incremental models and the tests scoped to a run (macros/tests/run_scope.sql)
    both start here. -#}
{% macro window_lookback_start() -%}
    {{ dbt.dateadd('hour', -1 * (var('incremental_lookback_hours') | int),
                   timestamp_literal(run_var('window_start') ~ 'T00:00:00+00:00')) }}
{%- endmacro %}

{#- column is one of the values query returns. On PostgreSQL `column = any(array(query))`: the query becomes an
    init plan and the array a parameter, a filter PostgreSQL pushes below window functions partitioned by column
    (the staging views rank every delivered version of an entity by its id), so an incremental run ranks the versions
    of the entities it touches, never the history, read through the raw id index. Elsewhere `column in (query)`. -#}
{% macro in_subquery(column, query) -%}
    {{ return(adapter.dispatch('in_subquery', 'tenant_analytics')(column, query)) }}
{%- endmacro %}

{% macro default__in_subquery(column, query) -%}
    {{ column }} in ({{ query }})
{%- endmacro %}

{% macro postgres__in_subquery(column, query) -%}
    {{ column }} = any(array({{ query }}))
{%- endmacro %}

{#- The UTC creation day of a raw row, keyed for per-day state: 1900-01-01 stands for "no creation time" (a unique
    key cannot be null). The raw tables index this very expression (orchestration/sql/*_raw_tables.sql). -#}
{% macro version_day(created_at) -%}
    coalesce({{ utc_day(created_at) }}, cast('1900-01-01' as date))
{%- endmacro %}

{#- The manifest side. The units (column `unit` of `versions`, a base_*_versions view whose id column is `entity`)
    that changed rows touch, each with a change time (source_changed_at): in an incremental run, every version of an
    entity with a version changed since the manifest's watermark (a new version can move an entity to another unit,
    and the unit its older versions fall in changes too), read through the raw id index and stamped with the entity's
    newest change; rows without an id are no entity's and touch their own unit. In a full build, every version, with
    its entity's newest change (a window rather than id lookups, which suit a few entities, not all of them), and a
    row without an id with its own change time (the window would lump them all into one partition and give every
    unit holding one the newest of them: those units would look changed in the next run). -#}
{% macro unit_changes(versions, entity, unit) -%}
    {%- if is_incremental() -%}
        {%- set changed -%}
            select {{ entity }}, {{ unit }}, source_changed_at from {{ versions }}
            where {{ unit }} is not null and {{ changed_since_last_run('source_changed_at', 'last_changed_at') }}
        {%- endset -%}
        {%- set changed_entities -%}
            select {{ entity }}, max(source_changed_at) as source_changed_at from ({{ changed }}) as changed
            where {{ entity }} is not null
            group by {{ entity }}
        {%- endset -%}
    select versions.{{ unit }}, changed_entities.source_changed_at
    from {{ versions }} as versions
    inner join ({{ changed_entities }}) as changed_entities on versions.{{ entity }} = changed_entities.{{ entity }}
    where {{ in_subquery('versions.' ~ entity, 'select ' ~ entity ~ ' from (' ~ changed_entities ~ ') as ids') }}
        and versions.{{ unit }} is not null
    union all
    select {{ unit }}, source_changed_at from ({{ changed }}) as changed
    where {{ entity }} is null
    {%- else -%}
    select
        {{ unit }},
        case
            when {{ entity }} is null then source_changed_at
            else max(source_changed_at) over (partition by {{ entity }})
        end as source_changed_at
    from {{ versions }}
    where {{ unit }} is not null
    {%- endif -%}
{%- endmacro %}

{#- The manifest's rows: per source_name and unit in `touched` (columns source_name, unit, source_changed_at), the
    newest change time, extra_columns (expressions over the unit) and this invocation. A unit keeps its newest stamp:
    a late row with an older change time must not hide a newer change from a model that has not recomputed the unit
    yet. -#}
{% macro stamped_units(touched, unit, extra_columns=[]) -%}
    select
        source_name,
        {{ unit }},
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        max(last_changed_at) as last_changed_at,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as last_invocation_id
    from (
        select source_name, {{ unit }}, source_changed_at as last_changed_at from {{ touched }}
        {%- if is_incremental() %}
        union all
        select stored.source_name, stored.{{ unit }}, stored.last_changed_at
        from {{ this }} as stored
        where exists (
            select 1 from {{ touched }} as touched
            where touched.source_name = stored.source_name and touched.{{ unit }} = stored.{{ unit }}
        )
        {%- endif %}
    ) as stamps
    group by source_name, {{ unit }}
{%- endmacro %}

{#- The units of source_name that changed since this model's watermark (watermark_column of its own rows), from the
    domain's change manifest; unit is a column of the manifest (created_day_utc, or hour_start for LLM usage), or
    'month' for the months of the changed days. -#}
{% macro changed_units(manifest, source_name, unit, watermark_column) -%}
    {%- set column = month_of_day('created_day_utc') if unit == 'month' else unit -%}
    select distinct {{ column }} from {{ manifest }}
    where source_name = '{{ source_name }}'
    {%- if has_partition_window() %}
      and last_invocation_id = '{{ invocation_id }}'
    {%- else %}
      and last_changed_at >= {{ lookback_start(watermark_column) }}
    {%- endif %}
{%- endmacro %}

{#- The same for the model being built, from its `recompute` config (macros/incremental/config.sql), so the units it
    reads and the units its pre-hook deletes are written once: the units' query, and `expression` (default: the
    model's unit column) being one of them. The config's `always` unit (the rules models' 1900-01-01, the day of rows
    without a creation time, which no watermark can see arrive) is one of them in every run. -#}
{% macro recomputed_units() -%}
    {%- set recompute = config.get('meta')['recompute'] -%}
    {{ changed_units(ref(recompute.manifest), recompute.source, recompute.unit,
                     recompute.get('watermark', 'last_source_changed_at')) }}
    {%- if recompute.get('always') %}
    union
    select {{ recompute.always }}
    {%- endif %}
{%- endmacro %}

{% macro in_recomputed_units(expression=none) -%}
    {{ in_subquery(expression or config.get('meta')['recompute'].column, recomputed_units()) }}
{%- endmacro %}

{#- entity_column names an entity with a version in one of the units units_query returns (versions: a base_*_versions
    view whose id column is also called entity_column; version_unit: its column for the unit). Together with a unit
    filter on the staged rows it reads whole changed units from a ranked view through the raw indexes. -#}
{% macro is_entity_in_units(entity_column, versions, version_unit, units_query) -%}
    {%- set entities -%}
        select {{ entity_column }} from {{ versions }} where {{ in_subquery(version_unit, units_query) }}
    {%- endset -%}
    {{ in_subquery(entity_column, entities) }}
{%- endmacro %}

{#- The select of a per-day data-quality state model's input: every row of `relation` (a ranked base view, its id
    named entity_column) with its UTC creation day as source_day; in an incremental run, only the rows on the days
    that changed and the day standing for "no creation time" (the model's `recompute` units, `always` included: such a
    row may have no change time either; only bad rows are there, and the day index reads just them). Rows without an
    id rank among themselves and are read on those days too. time_column: the rows' creation time. -#}
{% macro rows_on_changed_days(relation, entity_column, versions, time_column='created_at') -%}
    select
        *,
        {{ version_day(time_column) }} as source_day
    from {{ relation }}
    {%- if is_incremental() %}
    {%- set days = recomputed_units() %}
    where ({{ is_entity_in_units(entity_column, versions, 'created_day_utc', days) }} or {{ entity_column }} is null)
      and {{ in_subquery(version_day(time_column), days) }}
    {%- endif %}
{%- endmacro %}

{#- How many raw rows were created after as_of (clock skew), from a base_*_versions view: they lie on as_of's UTC
    day or later, so the day index reads just those days. -#}
{% macro rows_created_after_as_of(versions) -%}
    select cast(count(*) as bigint) from {{ versions }}
    where created_day_utc >= {{ utc_day(as_of()) }} and created_at > {{ as_of() }}
{%- endmacro %}

{#- The rows of a staged view, ranked by entity over its versions, that fall in the units this model recomputes: the
    row's unit (unit_expression) is one of them, and its entity (entity_column, the id of `versions`) has a version in
    one, a filter that reaches the raw id index below the view's window. -#}
{% macro in_recomputed_entities(entity_column, versions, unit_expression) -%}
    {%- set units = recomputed_units() -%}
    {{ in_subquery(unit_expression, units) }}
    and {{ is_entity_in_units(entity_column, versions, config.get('meta')['recompute'].unit, units) }}
{%- endmacro %}
