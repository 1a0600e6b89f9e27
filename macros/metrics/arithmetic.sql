{#- numerator / denominator as a double, null when the denominator is zero or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ dbt.type_float() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- A 0..100 percentage of part in whole; null when whole is zero (no data is not 0 %). -#}
{% macro pct(part, whole) -%}
    (100.0 * {{ safe_divide(part, whole) }})
{%- endmacro %}
