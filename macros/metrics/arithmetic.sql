{#- numerator / denominator as a double, null when the denominator is zero or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- A 0..100 percentage of part in whole; null when whole is zero (no data is not 0 %). -#}
{% macro pct(part, whole) -%}
    (100.0 * {{ safe_divide(part, whole) }})
{%- endmacro %}

{#- How many rows of the group meet condition, as a bigint (0, never null, for a non-empty group). -#}
{% macro count_rows_where(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as bigint)
{%- endmacro %}
