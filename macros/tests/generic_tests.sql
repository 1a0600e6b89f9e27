{#- Grain test: no two rows share the same combination of these columns (nulls compare equal). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') -%}
    select {{ columns }}, count(*) as rows_with_this_key
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}

{#- Every non-null value lies in [min_value, max_value] (either bound may be omitted). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
      and (
        {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}false{% endif %}
        or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}false{% endif %}
      )
{% endtest %}

{#- Spec 001, "Alerts": the projects whose cache hit rate on the last complete UTC day before as_of is below
    `threshold` (0..100). Attach with severity warn: Dagster shows it as a warning asset check, dbt build
    carries on. A project without requests that day has no rate and is not flagged. -#}
{% test cache_hit_rate_at_least(model, threshold, rate_column='cache_hit_rate', day_column='date',
                                group_column='project_id') %}
    select {{ group_column }}, {{ day_column }}, {{ rate_column }}
    from {{ model }}
    where {{ day_column }} = {{ dbt.dateadd('day', -1, utc_day(as_of())) }}
      and {{ rate_column }} < {{ threshold }}
{% endtest %}
