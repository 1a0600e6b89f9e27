{#- A raw text value as one of `allowed` (trimmed, lower-cased), else `otherwise`: how every domain reads a
    categorical column (statuses, sources, types); the rows that fall to `otherwise` are counted in the domain's
    data-quality mart. -#}
{% macro normalized_choice(raw_value, allowed, otherwise='unknown') -%}
    case
        when lower(trim({{ raw_value }})) in {{ sql_list(allowed) }} then lower(trim({{ raw_value }}))
        else '{{ otherwise }}'
    end
{%- endmacro %}
