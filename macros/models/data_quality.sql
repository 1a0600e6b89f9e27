{#-
    The rows of a *_data_quality mart: one per (source table, rule), with the action the pipeline takes and
    how many raw rows the rule touched in this build.
      groups: [(source_table, cte, [(rule, action), ...]), ...], where `cte` has a single row holding one
      count column per rule, named after the rule.
-#}
{% macro data_quality_rows(groups) -%}
    {%- set selects = [] -%}
    {%- for source_table, cte, rules in groups -%}
        {%- for rule, action in rules -%}
            {%- do selects.append(
                "select cast('" ~ source_table ~ "' as " ~ dbt.type_string() ~ ") as source_table, "
                ~ "cast('" ~ rule ~ "' as " ~ dbt.type_string() ~ ") as rule, "
                ~ "cast('" ~ (action | replace("'", "''")) ~ "' as " ~ dbt.type_string() ~ ") as action, "
                ~ "cast(coalesce(" ~ rule ~ ", 0) as bigint) as affected_rows, "
                ~ as_of() ~ " as as_of_at from " ~ cte) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ selects | join('\nunion all\n') }}
{%- endmacro %}
