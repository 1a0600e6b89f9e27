{#- Append-only records of when a condition was first seen, one row per key (analytics_quota_exceeded,
    credit_spend_alerts): the rows of the CTE `candidates` whose key this incremental model has no row for yet, and
    the two columns that say which build saw them first. A key once recorded keeps its row. -#}
{% macro not_yet_recorded(candidates, key_columns) -%}
    select candidate.*
    from {{ candidates }} as candidate
    {%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as seen
        where {% for column in key_columns -%}
            seen.{{ column }} = candidate.{{ column }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    )
    {%- endif %}
{%- endmacro %}

{#- detected_at (the build's start) and detected_by_invocation (its dbt invocation id). -#}
{% macro first_detection_columns() -%}
    {{ timestamp_literal(run_started_iso()) }} as detected_at,
    {{ dbt.cast("'" ~ invocation_id ~ "'", 'text') }} as detected_by_invocation
{%- endmacro %}
