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
{% macro lookback_start(watermark_column) -%}
    {{ dbt.dateadd('hour', -1 * (var('incremental_lookback_hours') | int),
        '(select coalesce(max(' ~ watermark_column ~ '), ' ~ timestamp_literal('1900-01-01T00:00:00+00:00') ~ ')'
        ~ ' from ' ~ this ~ ' where ' ~ watermark_column ~ ' <= ' ~ timestamp_literal(run_started_iso()) ~ ')') }}
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

{#- For a model over the newest version of each entity (a request, a job): recompute every bucket that any
    version of a changed entity falls in, read from `versions` (the base model holding every delivered
    version). A new version can move an entity to another bucket (a corrected created_at), and the bucket
    its old version counted in must be recomputed too. version_key: the bucket as an expression over the
    columns of `versions`. -#}
{% macro affected_keys_of_changed_entities(key_column, versions, entity_column, version_key, changed_column,
                                           watermark_column) -%}
    {{ key_column }} in (
        select distinct {{ version_key }}
        from {{ versions }}
        where {{ entity_column }} in (
            select {{ entity_column }}
            from {{ versions }}
            where {{ changed_since_last_run(changed_column, watermark_column) }}
        )
    )
{%- endmacro %}
