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

{#- True when a number is not finite: NaN, Infinity or -Infinity (PostgreSQL's numeric and float types accept them, and
    one of them in a sum makes the sum NaN or infinite). False for null and for every finite number. Spark's
    decimals cannot hold them (orchestration/spark.py copies them as null); its doubles can. -#}
{% macro is_not_finite(number) -%}
    {{ return(adapter.dispatch('is_not_finite', 'tenant_analytics')(number)) }}
{%- endmacro %}

{% macro default__is_not_finite(number) -%}
    coalesce(isnan(cast({{ number }} as double)) or abs(cast({{ number }} as double)) = double('infinity'), false)
{%- endmacro %}

{% macro postgres__is_not_finite(number) -%}
    coalesce({{ number }} in ('NaN', 'Infinity', '-Infinity'), false)
{%- endmacro %}
