-- Spec 001, "Monitoring: Check Aggregation Status", the gap check, corrected. The spec's version puts
-- LAG() in WHERE, which PostgreSQL rejects ("window functions are not allowed in WHERE"): the window is
-- computed in a subquery and filtered outside it. Hours without requests have no row in
-- usage_aggregations_hourly, so a gap is an hour range in which a project sent nothing (an outage, or a
-- quiet project), not a missed aggregation: those are caught by the test
-- llm_every_raw_hour_has_an_aggregate_row.
select
    project_id,
    hour_start,
    prev_hour,
    hour_start - prev_hour as gap
from (
    select
        project_id,
        hour_start,
        lag(hour_start) over (partition by project_id order by hour_start) as prev_hour
    from usage_aggregations_hourly
) as hours
where hour_start - prev_hour > interval '1 hour'
order by project_id, hour_start
