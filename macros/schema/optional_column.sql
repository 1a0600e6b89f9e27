{#- A source column the spec does not declare (so an application database laid out as the spec says may lack it):
    the column when the relation has it, else a typed null. Checked against the database when dbt runs the model
    (at parse time there is no database, and the null stands in). -#}
{% macro optional_column(relation, column, data_type) -%}
    {%- if execute -%}
        {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if column | lower in present -%}
            {{ return(column) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('cast(null as ' ~ data_type ~ ')') }}
{%- endmacro %}
