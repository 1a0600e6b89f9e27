-- Spec 001, "Next Steps: Cost Forecasting": month-to-date cost and a run-rate projection of the month's
-- cost per project. A snapshot at as_of (rebuilt each run, from the hourly state): the month is the UTC
-- calendar month of as_of; whole UTC hours before as_of count. Every known project has a row (0 spent so
-- far is a forecast too), and so has any project id that has usage but is missing from projects.
with state as (
    select * from {{ ref('int_llm__usage_hourly') }}
),

projects as (
    select project_id, tenant_id from {{ ref('stg_llm__projects') }}
),

bounds as (
    select
        month_start,
        hour_now,
        {{ dbt.dateadd('month', 1, 'month_start') }} as next_month_start
    from (
        select
            cast(date_trunc('month', {{ utc_day(as_of()) }}) as date) as month_start,
            {{ utc_hour(as_of()) }} as hour_now
    ) as b
),

month_to_date as (
    select
        state.project_id,
        state.tenant_id,
        sum(state.total_cost_usd) as month_to_date_cost_usd,
        cast(sum(state.total_requests) as bigint) as month_to_date_requests
    from state
    cross join bounds
    where {{ utc_day('state.hour_start') }} >= bounds.month_start and state.hour_start < bounds.hour_now
    group by state.project_id, state.tenant_id
),

per_project as (
    select
        coalesce(projects.project_id, month_to_date.project_id) as project_id,
        coalesce(projects.tenant_id, month_to_date.tenant_id) as tenant_id,
        coalesce(month_to_date.month_to_date_requests, 0) as month_to_date_requests,
        coalesce(month_to_date.month_to_date_cost_usd, 0) as month_to_date_cost_usd
    from projects
    full outer join month_to_date on projects.project_id = month_to_date.project_id
),

final as (
    select
        m.project_id,
        m.tenant_id,
        b.month_start,
        {{ as_of() }} as as_of,
        m.month_to_date_requests,
        m.month_to_date_cost_usd,
        {{ seconds_between(timestamp_literal_from_date('b.month_start'), 'b.hour_now') }} / 3600.0 as hours_elapsed,
        {{ seconds_between(timestamp_literal_from_date('b.month_start'), timestamp_literal_from_date('b.next_month_start')) }}
            / 3600.0 as hours_in_month,
        {{ llm_run_rate_projection('m.month_to_date_cost_usd',
            seconds_between(timestamp_literal_from_date('b.month_start'), 'b.hour_now'),
            seconds_between(timestamp_literal_from_date('b.month_start'), timestamp_literal_from_date('b.next_month_start'))) }}
            as projected_month_cost_usd
    from per_project as m
    cross join bounds as b
)

select * from final
