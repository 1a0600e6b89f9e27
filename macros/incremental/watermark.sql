{#-
    Incremental runs recompute whole grain rows for every affected key; they never add deltas to stored rows.

    Affected keys come from the source rows that changed (macro affected_keys_of_changed_entities below):
    - with the vars window_start / window_end (dates; a Dagster partition window, half-open [start, end)):
      rows whose change time lies in [window_start - incremental_lookback_hours, window_end), so rows that
      arrive late (a change time on an earlier day) within the lookback are still applied;
    - otherwise (plain `dbt build`): rows whose change time is at or after (watermark - incremental_lookback_hours),
      the watermark being the newest change time the model has already processed. Change times after the
      start of this run (skewed clocks) are left out of the watermark so they cannot freeze it; such rows
      are processed again on every run, which is idempotent.
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
    {%- set start, end = var('window_start', ''), var('window_end', '') -%}
    {%- if (start and not end) or (end and not start) -%}
        {{ exceptions.raise_compiler_error("window_start and window_end go together: got window_start='"
            ~ start ~ "', window_end='" ~ end ~ "'") }}
    {%- endif -%}
    {{ return(start != '' and end != '') }}
{%- endmacro %}

{#- True for a source row changed in this run's scope (see above). -#}
{% macro changed_since_last_run(changed_column, watermark_column) -%}
    {%- if has_partition_window() -%}
        ({{ changed_column }} >= {{ dbt.dateadd('hour', -1 * (var('incremental_lookback_hours') | int),
                                                timestamp_literal(var('window_start') ~ 'T00:00:00+00:00')) }}
            and {{ changed_column }} < {{ timestamp_literal(var('window_end') ~ 'T00:00:00+00:00') }})
    {%- else -%}
        {{ changed_column }} >= {{ lookback_start(watermark_column) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Entity-scoped reads. Staging ranks every delivered version of an entity (a job, a request, a ledger entry)
    with a window partitioned by its id, and PostgreSQL can push a filter below that window only when it is on
    the partition column and holds no sub-select. `column = any(array(<query>))` is such a filter: the query
    becomes an init plan, the array a parameter, and the view is read through the raw id index for just those
    entities. An incremental run therefore ranks the versions of the entities it touches, never the history.

    Change detection reads the raw source itself (which versions arrived or changed since the watermark), so
    models using these macros name the source in a `-- depends_on:` hint. `versions` describes a source's
    versions (macros tryon_job_versions, llm_request_versions, credit_ledger_versions below): its relation,
    entity id column, change time and buckets (day, hour, month) as expressions over the raw columns. The raw
    tables carry an index on the id, the change time, the day and the hour expressions
    (orchestration/sql/*_raw_tables.sql), so an incremental read is a handful of index scans; the month is only
    ever read for the changed entities (through the id index), so it needs none.
-#}

{#- column is one of the values query returns. On PostgreSQL `column = any(array(query))`, which the planner
    pushes below window functions (see above); elsewhere the standard `column in (query)`. -#}
{% macro in_subquery(column, query) -%}
    {{ return(adapter.dispatch('in_subquery', 'tenant_analytics')(column, query)) }}
{%- endmacro %}

{% macro default__in_subquery(column, query) -%}
    {{ column }} in ({{ query }})
{%- endmacro %}

{% macro postgres__in_subquery(column, query) -%}
    {{ column }} = any(array({{ query }}))
{%- endmacro %}

{#- The UTC creation day of a version, keyed for per-day state: 1900-01-01 stands for "no creation time" (a
    unique key cannot be null). -#}
{% macro version_day(created_at) -%}
    coalesce({{ utc_day(created_at) }}, cast('1900-01-01' as date))
{%- endmacro %}

{#- with_moves: also the buckets that changed jobs counted in before this run (tryon_job_moves), for every model
    downstream of int_tryon__jobs_enriched (that model itself reads the versions only: it records the moves). -#}
{% macro tryon_job_versions(with_moves=false) -%}
    {%- set versions = {'relation': source('tryon', 'tryon_jobs'), 'entity': 'id',
                        'changed_at': 'coalesce(updated_at, created_at)', 'day': version_day('created_at'),
                        'month': month_of_day(version_day('created_at'))} -%}
    {%- if with_moves -%}
        {%- do versions.update({'moves': tryon_job_moves()}) -%}
    {%- endif -%}
    {{ return(versions) }}
{%- endmacro %}

{#- A job updated in place (spec 000: one row per id) can move to another day with no older version left in the
    source to say where it counted before; int_tryon__jobs_enriched keeps that day (previous_created_day_utc) on
    the rows it rewrote, and their change time is source_changed_at. -#}
{% macro tryon_job_moves() -%}
    {{ return({'relation': ref('int_tryon__jobs_enriched'), 'changed_at': 'source_changed_at',
               'day': 'previous_created_day_utc', 'month': month_of_day('previous_created_day_utc')}) }}
{%- endmacro %}

{% macro llm_request_versions() -%}
    {{ return({'relation': source('llm', 'usage_logs'), 'entity': 'id',
               'changed_at': 'coalesce(ingested_at, created_at)', 'day': version_day('created_at'),
               'hour': utc_hour('created_at')}) }}
{%- endmacro %}

{#- Ledger entries are append-only: a version's change time is its creation time. -#}
{% macro credit_ledger_versions() -%}
    {{ return({'relation': source('tryon', 'credit_ledgers'), 'entity': 'id', 'changed_at': 'created_at',
               'day': version_day('created_at')}) }}
{%- endmacro %}

{#- Ids of the entities with a version changed in this run's scope. -#}
{% macro changed_entity_ids(versions, watermark_column) -%}
    select {{ versions.entity }} from {{ versions.relation }}
    where {{ changed_since_last_run(versions.changed_at, watermark_column) }}
{%- endmacro %}

{#- The buckets (versions[bucket], e.g. 'day') that any version of a changed entity falls in: the ones to
    recompute. A new version can move an entity to another bucket (a corrected created_at), and the bucket its
    old version counted in is recomputed too. -#}
{% macro affected_keys(versions, bucket, watermark_column) -%}
    select distinct {{ versions[bucket] }} from {{ versions.relation }}
    where {{ in_subquery(versions.entity, changed_entity_ids(versions, watermark_column)) }}
    {%- if versions.get('moves') %}
    union
    select {{ versions.moves[bucket] }} from {{ versions.moves.relation }}
    where {{ changed_since_last_run(versions.moves.changed_at, watermark_column) }}
      and {{ versions.moves[bucket] }} is not null
    {%- endif %}
{%- endmacro %}

{#- key_column is one of the affected buckets. -#}
{% macro affected_keys_of_changed_entities(key_column, versions, bucket, watermark_column) -%}
    {{ in_subquery(key_column, affected_keys(versions, bucket, watermark_column)) }}
{%- endmacro %}

{#- entity_column names an entity with a version changed in this run's scope. -#}
{% macro is_changed_entity(entity_column, versions, watermark_column) -%}
    {{ in_subquery(entity_column, changed_entity_ids(versions, watermark_column)) }}
{%- endmacro %}

{#- entity_column names an entity with a version in an affected bucket. Together with the bucket filter
    (affected_keys_of_changed_entities) on the staged rows, this reads whole affected buckets from a ranked view
    through the raw indexes. -#}
{% macro is_entity_in_affected_keys(entity_column, versions, bucket, watermark_column) -%}
    {%- set entities_in_affected_keys -%}
        select {{ versions.entity }} from {{ versions.relation }}
        where {{ in_subquery(versions[bucket], affected_keys(versions, bucket, watermark_column)) }}
    {%- endset -%}
    {{ in_subquery(entity_column, entities_in_affected_keys) }}
{%- endmacro %}

{#- The days to recompute in a per-day state of raw rows (the data-quality counts): the days any version of a
    changed entity falls in, the days of the changed rows themselves (a row without an id is no entity's), and
    always the day standing for "no creation time" (such a row may have no change time either, so no watermark
    can tell when it arrived; only bad rows are there, and the index reads just them). -#}
{% macro affected_days_of_changed_rows(versions, watermark_column) -%}
    {{ affected_keys(versions, 'day', watermark_column) }}
    union
    select {{ versions.day }} from {{ versions.relation }}
    where {{ changed_since_last_run(versions.changed_at, watermark_column) }}
    union
    select {{ version_day('null') }}
{%- endmacro %}

{#- A row of a ranked view (over the source's columns, its id renamed entity_column) created on an affected day,
    read through the raw indexes: every version of the entities with a version on those days, plus the rows
    without an id (they rank among themselves; only bad rows have none), kept to those days. -#}
{% macro is_row_on_affected_day(entity_column, versions, watermark_column) -%}
    {%- set entities_on_affected_days -%}
        select {{ versions.entity }} from {{ versions.relation }}
        where {{ in_subquery(versions.day, affected_days_of_changed_rows(versions, watermark_column)) }}
    {%- endset -%}
    ({{ in_subquery(entity_column, entities_on_affected_days) }} or {{ entity_column }} is null)
    and {{ in_subquery(versions.day, affected_days_of_changed_rows(versions, watermark_column)) }}
{%- endmacro %}

{#- How many raw rows were created after as_of (clock skew): they lie on as_of's UTC day or later, so the day
    index reads just those days. -#}
{% macro rows_created_after_as_of(versions) -%}
    select cast(count(*) as bigint) from {{ versions.relation }}
    where {{ versions.day }} >= {{ utc_day(as_of()) }} and created_at > {{ as_of() }}
{%- endmacro %}

{#- The select of a per-day state model's input: every row of `relation` (a ranked view over the source's columns,
    its id renamed entity_column) with its UTC creation day as source_day; in an incremental run, only the rows on
    affected days (is_row_on_affected_day), read through the raw indexes. The state model's watermark column is
    last_source_changed_at. -#}
{% macro rows_on_affected_days(relation, entity_column, versions) -%}
    select
        *,
        {{ versions.day }} as source_day
    from {{ relation }}
    {%- if is_incremental() %}
    where {{ is_row_on_affected_day(entity_column, versions, 'last_source_changed_at') }}
    {%- endif %}
{%- endmacro %}

{#- The select of a monthly rollup's input: every row of a daily try-on state model (keyed by created_day_utc, its
    watermark last_source_changed_at); in an incremental run, only the days of the months that hold a version of a
    changed job, so that whole months are recomputed. -#}
{% macro tryon_days_of_affected_months(daily_state) -%}
    select * from {{ daily_state }}
    {%- if is_incremental() %}
    where {{ affected_keys_of_changed_entities(month_of_day('created_day_utc'), tryon_job_versions(with_moves=true), 'month',
                                               'last_source_changed_at') }}
    {%- endif %}
{%- endmacro %}
