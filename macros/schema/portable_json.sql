{#-
    JSON on both engines: PostgreSQL's jsonb, and on Spark JSON text (the raw tables' jsonb columns are copied as
    their text, orchestration/spark.py, and contracts map jsonb to string, portable_types.sql). Each macro answers
    what its PostgreSQL function answers for the JSON the raw tables hold.
-#}

{#- jsonb_typeof: 'object', 'array', 'string', 'number', 'boolean' or 'null'; SQL null for SQL null. On Spark the
    first character of the (valid, PostgreSQL-normalised) JSON text decides. -#}
{% macro json_typeof(json) -%}
    {{- return(adapter.dispatch('json_typeof', 'tenant_analytics')(json)) -}}
{%- endmacro %}

{% macro postgres__json_typeof(json) -%}
    jsonb_typeof({{ json }})
{%- endmacro %}

{% macro default__json_typeof(json) -%}
    case substr(ltrim({{ json }}), 1, 1)
        when '{' then 'object'
        when '[' then 'array'
        when '"' then 'string'
        when 't' then 'boolean'
        when 'f' then 'boolean'
        when 'n' then 'null'
        when '' then null
        else case when {{ json }} is not null then 'number' end
    end
{%- endmacro %}

{#- The number under top-level key `key` (an expression) of a JSON object; null when the key is missing or its value
    is not a number. On Spark a number is a value that starts like one right after the key in the text (PostgreSQL's
    normalised form: "key": value). -#}
{% macro json_number_at(json, key) -%}
    {{- return(adapter.dispatch('json_number_at', 'tenant_analytics')(json, key)) -}}
{%- endmacro %}

{% macro postgres__json_number_at(json, key) -%}
    case when jsonb_typeof({{ json }} -> {{ key }}) = 'number' then cast({{ json }} ->> {{ key }} as numeric) end
{%- endmacro %}

{% macro default__json_number_at(json, key) -%}
    case
        when {{ json }} rlike concat('"', {{ key }}, '": *-?[0-9]')
            then cast(get_json_object({{ json }}, concat('$.', {{ key }})) as decimal(38, 10))
    end
{%- endmacro %}

{#- A JSON object of `pairs` (a list of [key, SQL expression]): jsonb_build_object. -#}
{% macro json_object(pairs) -%}
    {{- return(adapter.dispatch('json_object', 'tenant_analytics')(pairs)) -}}
{%- endmacro %}

{% macro postgres__json_object(pairs) -%}
    jsonb_build_object({% for key, value in pairs %}'{{ key }}', {{ value }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro default__json_object(pairs) -%}
    to_json(named_struct({% for key, value in pairs %}'{{ key }}', {{ value }}{{ ', ' if not loop.last }}{% endfor %}))
{%- endmacro %}

{#- The text under top-level key `key` (an expression) of a JSON object when it is a string; null when the key is
    missing, its value is not a string, or the JSON is not an object. -#}
{% macro json_text_at(json, key) -%}
    {{- return(adapter.dispatch('json_text_at', 'tenant_analytics')(json, key)) -}}
{%- endmacro %}

{% macro postgres__json_text_at(json, key) -%}
    case when jsonb_typeof({{ json }} -> {{ key }}) = 'string' then {{ json }} ->> {{ key }} end
{%- endmacro %}

{% macro default__json_text_at(json, key) -%}
    case
        when {{ json }} rlike concat('"', {{ key }}, '": *"') then get_json_object({{ json }}, concat('$.', {{ key }}))
    end
{%- endmacro %}
