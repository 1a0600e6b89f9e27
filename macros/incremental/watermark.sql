{#-
    Incremental runs recompute whole grain rows for every affected key; they never add deltas to stored rows.

    Affected keys come from source rows changed since the last run: a row counts as changed when its
    change timestamp is at or after (watermark - incremental_lookback_hours), where the watermark is the
    newest change timestamp the model has already processed. Timestamps after the start of this run
    (skewed clocks) are left out of the watermark, so they can never freeze it; such rows are
    simply processed again on every run, which is idempotent.

    With the vars window_start / window_end (a Dagster partition window, dates, half-open [start, end)),
    the affected keys are the UTC days of that window instead.
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

{% macro in_partition_window(day_expression) -%}
    ({{ day_expression }} >= cast('{{ var("window_start") }}' as date)
        and {{ day_expression }} < cast('{{ var("window_end") }}' as date))
{%- endmacro %}

{#- Filter for a model keyed by row (e.g. job_id): the source rows to (re)process. -#}
{% macro changed_rows_filter(changed_column, day_expression, watermark_column=none) -%}
    {%- if has_partition_window() -%}
        {{ in_partition_window(day_expression) }}
    {%- else -%}
        {{ changed_column }} >= {{ lookback_start(watermark_column or changed_column) }}
    {%- endif -%}
{%- endmacro %}

{#- Filter for a model keyed by UTC day: recompute every day that holds a changed upstream row. -#}
{% macro affected_days_filter(day_column, upstream, upstream_changed_column, watermark_column) -%}
    {%- if has_partition_window() -%}
        {{ in_partition_window(day_column) }}
    {%- else -%}
        {{ day_column }} in (
            select distinct {{ day_column }}
            from {{ upstream }}
            where {{ upstream_changed_column }} >= {{ lookback_start(watermark_column) }}
        )
    {%- endif -%}
{%- endmacro %}
