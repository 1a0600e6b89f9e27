-- Spec 001, "Monitoring: Verify Savings Calculation", for every project and day at once: the request rows
-- (after staging's rules) and usage_aggregations_daily agree on requests, tokens, cost and savings.
-- Fails with every (project, day) where they differ. An hourly run compares the days it changed (macros/tests/run_scope.sql).
{%- set days_changed = {'units': 'int_llm__changed_units', 'source': 'usage_logs', 'unit': 'created_day_utc'} %}
with requests as (
    select
        project_id,
        created_day_utc as date,
        count(*) as total_requests,
        coalesce(sum(tokens_input), 0) + coalesce(sum(tokens_output), 0) as total_tokens,
        coalesce(sum(cost_usd), 0) as total_cost_usd,
        coalesce(sum(savings_usd), 0) as total_savings_usd
    from {{ ref('int_llm__requests_priced') }}
    where created_day_utc >= {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
      and {{ rows_in_run_units('created_day_utc', 'request_id', 'base_llm__usage_log_versions', days_changed) }}
    group by project_id, created_day_utc
),

aggregates as (
    select project_id, date, total_requests, total_tokens, total_cost_usd, total_savings_usd
    from {{ ref('usage_aggregations_daily') }}
    -- The same retained days: older rows stay until llm_retention_job deletes them (tests/pytest/test_llm_retention.py).
    where date >= {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
      and {{ in_run_scope('date', days_changed) }}
)

select
    coalesce(r.project_id, a.project_id) as project_id,
    coalesce(r.date, a.date) as date,
    r.total_requests as raw_requests, a.total_requests as aggregated_requests,
    r.total_cost_usd as raw_cost_usd, a.total_cost_usd as aggregated_cost_usd,
    r.total_savings_usd as raw_savings_usd, a.total_savings_usd as aggregated_savings_usd
from requests as r
full outer join aggregates as a on r.project_id = a.project_id and r.date = a.date
where r.project_id is null or a.project_id is null
   or r.total_requests <> a.total_requests
   or r.total_tokens <> a.total_tokens
   or r.total_cost_usd <> a.total_cost_usd
   or r.total_savings_usd <> a.total_savings_usd

-- Dagster shows this test as a check of usage_aggregations_daily (it reads other models too).
{{ config(meta={'dagster': {'ref': {'name': 'usage_aggregations_daily'}}}) }}
