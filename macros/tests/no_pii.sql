{#-
    Fails when any text or JSON column of the model holds something that looks like personal data (an
    email, phone number or IP address; macros/privacy/pii.sql). Columns are found by introspection, so a
    new column is covered without editing YAML. Returns one row per (column, kind) with a row count - never
    the values themselves, so a failing test does not copy personal data into logs.
-#}
{% test no_pii_in_text_columns(model) %}
    {%- set columns = adapter.get_columns_in_relation(unscoped_relation(model)) if execute else [] -%}
    {%- set checked = [] -%}
    {%- for column in columns if column.is_string() or column.dtype | lower in ('json', 'jsonb') -%}
        {%- do checked.append(column) -%}
    {%- endfor -%}
    {%- if checked %}
    {%- for column in checked %}
        {%- for kind, pattern in pii_patterns().items() %}
    select '{{ column.name }}' as column_name, '{{ kind }}' as pii_kind, count(*) as rows_with_pii
    from {{ model }}
    where {{ regexp_matches_ci('cast(' ~ adapter.quote(column.name) ~ ' as ' ~ dbt.type_string() ~ ')', pattern) }}
    having count(*) > 0
            {{- "\n    union all" if not loop.last }}
        {%- endfor %}
        {{- "\n    union all" if not loop.last }}
    {%- endfor %}
    {%- else %}
    select 'none' as column_name, 'none' as pii_kind, 0 as rows_with_pii
    where false
    {%- endif %}
{% endtest %}
