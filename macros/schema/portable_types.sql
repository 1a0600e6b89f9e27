{#-
    Model contracts (models/marts/**/_*.yml) declare column types with PostgreSQL's names. dbt checks a contract
    by casting null to each declared type (dbt.cast) and comparing the result with the model's columns; on Spark
    this override translates the PostgreSQL names first, so one contract serves both engines.
-#}
{% macro spark_type_name(type) -%}
    {%- set names = {
        'timestamp with time zone': 'timestamp',
        'timestamptz': 'timestamp',
        'double precision': 'double',
        'text': 'string',
        'uuid': 'string',
        'jsonb': 'string',
        'numeric': 'decimal(38, 10)',
    } -%}
    {{- return(names.get(type | trim | lower, type)) -}}
{%- endmacro %}

{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{#- Contracts declare `numeric` without precision (PostgreSQL keeps a sum's exact scale); Spark's decimals always
    carry one, which depends on the inputs. The contract check compares the types without it, as on PostgreSQL. -#}
{% macro spark__format_column(column) -%}
    {%- set data_type = column.dtype | lower -%}
    {%- if data_type.startswith('decimal') -%}
        {%- set data_type = 'decimal' -%}
    {%- endif -%}
    {{ return({'name': column.name, 'data_type': data_type, 'formatted': column.column.lower() ~ ' ' ~ data_type}) }}
{%- endmacro %}

{#- A double-precision float: dbt.type_float() is a 4-byte float on Spark. Rates and averages use this. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}

{% macro spark__type_double() -%}
    {{ return('double') }}
{%- endmacro %}
