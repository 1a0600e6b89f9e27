-- Spec 001, "Monitoring: Check for gaps": every (project, UTC hour) that has requests has a row in
-- usage_aggregations_hourly (within the hourly retention). Fails with the missing (project, hour) pairs. An hourly
-- run checks the hours it changed (macros/tests/run_scope.sql).
{%- set hours_changed = {'units': 'int_llm__changed_units', 'source': 'usage_logs', 'unit': 'hour_start'} %}
select distinct requests.project_id, requests.hour_start
from {{ ref('stg_llm__usage_logs') }} as requests
where {{ utc_day('requests.hour_start') }} >= {{ retention_cutoff_day(var('llm_hourly_retention_days')) }}
  and {{ rows_in_run_units('requests.hour_start', 'request_id', 'base_llm__usage_log_versions',
                           hours_changed) }}
  and not exists (
      select 1 from {{ ref('usage_aggregations_hourly') }} as agg
      where agg.project_id = requests.project_id and agg.hour_start = requests.hour_start
  )

-- Dagster shows this test as a check of usage_aggregations_hourly (it reads other models too).
{{ config(meta={'dagster': {'ref': {'name': 'usage_aggregations_hourly'}}}) }}
