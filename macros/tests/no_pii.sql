{#-
    Fails when any text or JSON column of the model holds something that looks like personal data (an
    email, phone number or IP address; macros/privacy/pii.sql). Columns are found by introspection, so a
    new column is covered without editing YAML. Returns one row per (column, kind) with a row count - never
    the values themselves, so a failing test does not copy personal data into logs.
    network_columns: columns holding an IP address reduced to its network (macro truncate_ip): an IPv4 /24 (a.b.c.0)
    or IPv6 /48 (g:g:g::) passes there, a full address still fails.
-#}
{% test no_pii_in_text_columns(model, network_columns=[]) %}
    {%- set columns = adapter.get_columns_in_relation(unscoped_relation(model)) if execute else [] -%}
    {%- set checks = [] -%}
    {%- for column in columns if column.is_string() or column.dtype | lower in ('json', 'jsonb') -%}
        {%- set value = 'cast(' ~ adapter.quote(column.name) ~ ' as ' ~ dbt.type_string() ~ ')' -%}
        {%- for kind, pattern in pii_patterns().items() -%}
            {%- set condition = regexp_matches_ci(value, pattern) -%}
            {%- if column.name in network_columns and kind in ('ipv4', 'ipv6') -%}
                {%- set condition = condition ~ ' and not ' ~ regexp_matches_ci(
                    value, '^([0-9]{1,3}[.]){3}0$|^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,2}::$') -%}
            {%- endif -%}
            {%- do checks.append({'column': column.name, 'kind': kind, 'condition': condition}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if checks %}
    {#- One scan of the model counts every (column, kind): a staging view re-computed per pair cost 28 scans. -#}
    with counts as (
        select
        {%- for check in checks %}
            sum(case when {{ check.condition }} then 1 else 0 end) as pii_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ model }}
    )
    {%- for check in checks %}
    select '{{ check.column }}' as column_name, '{{ check.kind }}' as pii_kind, pii_{{ loop.index }} as rows_with_pii
    from counts
    where pii_{{ loop.index }} > 0
        {{- "\n    union all" if not loop.last }}
    {%- endfor %}
    {%- else %}
    select 'none' as column_name, 'none' as pii_kind, 0 as rows_with_pii
    where false
    {%- endif %}
{% endtest %}
