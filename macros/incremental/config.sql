{#-
    How an incremental model stores its recomputed rows, per engine (README, "Running on Spark"). A model calls
    `{{ config(**incremental_config(unique_key=..., partition_day=..., indexes=[...])) }}`:
      unique_key     the recompute key of an incremental run on PostgreSQL (delete+insert: the rows of every
                     key the run produced replace the stored ones); a UTC day, a UTC hour or an entity id.
      partition_day  the UTC day column. On Spark the table is parquet partitioned by it and an incremental
                     run overwrites whole day partitions (insert_overwrite), so the run must produce every row
                     of each day it touches: see incremental_unit below. None: the model is rebuilt whole on
                     Spark (a table), for models keyed by entity.
      indexes        PostgreSQL indexes; other engines have none.
-#}
{% macro incremental_config(unique_key, partition_day=none, indexes=[]) -%}
    {{ return(adapter.dispatch('incremental_config', 'tenant_analytics')(unique_key, partition_day, indexes)) }}
{%- endmacro %}

{% macro default__incremental_config(unique_key, partition_day, indexes) -%}
    {{ return({'materialized': 'incremental', 'unique_key': unique_key, 'incremental_strategy': 'delete+insert',
               'indexes': indexes}) }}
{%- endmacro %}

{% macro spark__incremental_config(unique_key, partition_day, indexes) -%}
    {%- if partition_day is none -%}
        {{ return({'materialized': 'table', 'file_format': 'parquet'}) }}
    {%- endif -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
               'partition_by': [partition_day], 'file_format': 'parquet'}) }}
{%- endmacro %}

{#- The bucket an incremental run recomputes whole, given the model's finest one ('hour' or 'day'): the model's
    own on PostgreSQL; on Spark always 'day', the partition an insert_overwrite replaces. -#}
{% macro incremental_unit(finest) -%}
    {{ return(adapter.dispatch('incremental_unit', 'tenant_analytics')(finest)) }}
{%- endmacro %}

{% macro default__incremental_unit(finest) -%}
    {{ return(finest) }}
{%- endmacro %}

{% macro spark__incremental_unit(finest) -%}
    {{ return('day') }}
{%- endmacro %}
