-- Spec 001, "Example Dashboard Queries: Top Models by Cost", corrected. The spec's version calls the
-- set-returning jsonb_object_keys() inside SUM(), which PostgreSQL rejects, and would attribute a day's
-- whole cost to every model used that day. The long table usage_aggregations_daily_by_model has one row
-- per (project, UTC day, provider, model) with that model's own requests and cost.
-- Replace 'xxx' with a project id.
select
    model,
    sum(total_requests) as requests,
    sum(total_cost_usd) as cost
from usage_aggregations_daily_by_model
where
    project_id = 'xxx'
    and date >= current_date - 30
group by model
order by cost desc, model
limit 10
