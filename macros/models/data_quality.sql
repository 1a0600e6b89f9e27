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

{#- The select list of a data-quality mart's count row over per-day state (int_*_rules_daily): each rule's count
    summed over the days, 0 when there are none. Rules in `computed_elsewhere` are not columns of the state (the
    mart computes them itself). -#}
{% macro summed_rule_counts(rules, computed_elsewhere=[]) -%}
    {%- set sums = [] -%}
    {%- for rule, action in rules if rule not in computed_elsewhere -%}
        {%- do sums.append('cast(coalesce(sum(' ~ rule ~ '), 0) as bigint) as ' ~ rule) -%}
    {%- endfor -%}
    {{ sums | join(',\n        ') }}
{%- endmacro %}

{#- The select list of per-day rule state (int_*_rules_daily): for each rule (rule, condition, action) the rows of the
    group where its condition holds, named after the rule. With rule_actions below, a domain writes each rule once
    (its name, condition and action) and both its per-day state and its data-quality mart read that list. -#}
{% macro rule_count_columns(rules) -%}
    {%- set counts = [] -%}
    {%- for rule, condition, action in rules -%}
        {%- do counts.append(count_rows_where(condition) ~ ' as ' ~ rule) -%}
    {%- endfor -%}
    {{ counts | join(',\n        ') }}
{%- endmacro %}

{#- [(rule, action)] of a list of (rule, condition, action), as data_quality_rows and summed_rule_counts take them. -#}
{% macro rule_actions(rules) -%}
    {%- set pairs = [] -%}
    {%- for rule, condition, action in rules -%}
        {%- do pairs.append((rule, action)) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}
