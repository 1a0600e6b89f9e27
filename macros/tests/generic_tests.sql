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

{#- Row rules of a model, checked in one scan instead of one query (and one dbt node) per column: each rule is a SQL
    condition every row must meet. A rule that evaluates to null passes, as dbt's accepted_range lets nulls
    through: write `x is not null` for a column that must have a value. With `unique_key` (one column) the same scan
    also checks the grain, as dbt's `unique` does (nulls aside): on a staging view every scan re-runs its
    de-duplication window over all raw rows, so one scan instead of three matters (README, "Tests"). The test returns
    one row per broken rule with the number of rows that break it. Marts state their rules as column constraints,
    which the database enforces when the rows are written. -#}
{% test rows_satisfy(model, rules, unique_key=none) %}
    with counts as (
        select
            {%- if unique_key %}
            count({{ unique_key }}) - count(distinct {{ unique_key }}) as duplicate_key,
            {%- endif %}
            {%- for rule in rules %}
            sum(case when coalesce(({{ rule }}), true) then 0 else 1 end) as rule_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    )

    {% if unique_key -%}
    select 'unique {{ unique_key }}' as broken_rule, duplicate_key as failing_rows
    from counts
    where duplicate_key > 0
    union all
    {% endif -%}
    {% for rule in rules -%}
    select '{{ rule | replace("'", "''") }}' as broken_rule, rule_{{ loop.index }} as failing_rows
    from counts
    where rule_{{ loop.index }} > 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
