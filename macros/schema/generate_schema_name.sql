{#-
    Models land in the schema their folder names (staging, intermediate, marts, public), not in
    "<target schema>_<folder schema>": the public views must carry the exact names the specs' queries use.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
