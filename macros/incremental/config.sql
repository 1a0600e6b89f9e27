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
      recompute      for a model that recomputes the units its domain's change manifest lists (macros/incremental/
                     changes.sql): {'manifest': model name, 'source': source_name, 'unit': the manifest's unit column
                     or 'month', 'column': the model's unit column, optional 'watermark' (default
                     last_source_changed_at) and 'always' (a unit recomputed in every run)}. On PostgreSQL a pre-hook
                     then deletes those units first, in the model's transaction: a unit the run produces no row for (a
                     day whose only job moved away, or whose rows were deleted) is emptied, not left stale.
      pre_hook       the model's own pre-hooks.
-#}
{% macro incremental_config(unique_key, partition_day=none, indexes=[], recompute=none, pre_hook=[]) -%}
    {{ return(adapter.dispatch('incremental_config', 'tenant_analytics')(unique_key, partition_day, indexes, recompute,
                                                                         pre_hook)) }}
{%- endmacro %}

{% macro default__incremental_config(unique_key, partition_day, indexes, recompute, pre_hook) -%}
    {%- set config = {'materialized': 'incremental', 'unique_key': unique_key, 'incremental_strategy': 'delete+insert',
                      'indexes': indexes, 'pre_hook': pre_hook} -%}
    {%- if recompute -%}
        {%- do config.update({'pre_hook': pre_hook + ["{{ delete_recomputed_units() }}"],
                              'meta': {'recompute': recompute}}) -%}
    {%- endif -%}
    {{ return(config) }}
{%- endmacro %}

{% macro spark__incremental_config(unique_key, partition_day, indexes, recompute, pre_hook) -%}
    {#- insert_overwrite replaces whole day partitions: no pre-hook; the recompute config still names the units. -#}
    {%- set meta = {'recompute': recompute} if recompute else {} -%}
    {%- if partition_day is none -%}
        {{ return({'materialized': 'table', 'file_format': 'parquet', 'pre_hook': pre_hook, 'meta': meta}) }}
    {%- endif -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
               'partition_by': [partition_day], 'file_format': 'parquet', 'pre_hook': pre_hook, 'meta': meta}) }}
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

{#- The pre-hook of a model configured with `recompute` (above): in an incremental run, delete the units it is about to
    recompute. -#}
{% macro delete_recomputed_units() -%}
    {%- set recompute = (config.get('meta') or {}).get('recompute') -%}
    {%- if recompute and is_incremental() -%}
        delete from {{ this }} where {{ in_recomputed_units() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The configuration of a model built by UTC day from its domain's change manifest: incremental by `day` (a date
    column), recomputing the days the changes of `source` (a source_name of `manifest`) fall on; `unique_columns` is
    its grain (a unique index), with an index on the day unless the day is the grain, and `indexes` any others;
    `always` a day recomputed on every run. -#}
{% macro by_day_config(manifest, source, unique_columns, day='date', indexes=[], always=none) -%}
    {%- set all_indexes = [{'columns': unique_columns, 'unique': true}] + indexes -%}
    {%- if unique_columns != [day] -%}
        {%- do all_indexes.append({'columns': [day]}) -%}
    {%- endif -%}
    {%- set recompute = {'manifest': manifest, 'source': source, 'unit': 'created_day_utc', 'column': day} -%}
    {%- if always is not none -%}
        {%- do recompute.update({'always': always}) -%}
    {%- endif -%}
    {{ return(incremental_config(unique_key=day, partition_day=day, indexes=all_indexes, recompute=recompute)) }}
{%- endmacro %}
