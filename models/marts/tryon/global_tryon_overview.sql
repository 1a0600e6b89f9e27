-- A one-row snapshot of the platform at as_of, rebuilt each run from the incremental monthly state and a
-- bounded read of the last 30 days of jobs.
with tenants as (
    select * from {{ ref('stg_tryon__tenants') }}
),

stats as (
    select * from {{ ref('int_tryon__job_stats_monthly') }}
),

histogram as (
    select * from {{ ref('int_tryon__lifecycle_histogram_monthly') }}
),

recent_jobs as (
    select tenant_id, created_at
    from {{ ref('int_tryon__jobs_enriched') }}
    where {{ in_trailing_window('created_at', 30 * 24) }}
),

credit_days as (
    select * from {{ ref('int_tryon__credit_ledger_daily') }}
),

totals as (
    select
        cast(count(distinct tenant_id) as bigint) as tenants_with_jobs,
        {{ tryon_job_state_from_state() }}
    from stats
),

p95 as (
    {{ histogram_quantile('histogram', [], 0.95, 'p95_lifecycle_seconds_completed') }}
),

windows as (
    select
        cast(sum(case when {{ in_trailing_window('created_at', 24) }} then 1 else 0 end) as bigint) as jobs_last_24h,
        cast(sum(case when {{ in_trailing_window('created_at', 7 * 24) }} then 1 else 0 end) as bigint) as jobs_last_7d,
        cast(count(distinct tenant_id) as bigint) as active_tenants_last_30d
    from recent_jobs
),

credits as (
    select
        cast(sum(available_credits_delta) as bigint) as available_credits,
        cast(sum(reserved_or_spent_credits_delta) as bigint) as reserved_or_spent_credits
    from credit_days
),

tenant_count as (
    select cast(count(*) as bigint) as tenants_total from tenants
),

final as (
    select
        {{ as_of() }} as as_of_at,
        tc.tenants_total,
        cast(coalesce(j.tenants_with_jobs, 0) as bigint) as tenants_with_jobs,
        cast(coalesce(w.active_tenants_last_30d, 0) as bigint) as active_tenants_last_30d,
        {{ tryon_outcome_kpis('j') }},
        cast(coalesce(w.jobs_last_24h, 0) as bigint) as jobs_last_24h,
        cast(coalesce(w.jobs_last_7d, 0) as bigint) as jobs_last_7d,
        p95.p95_lifecycle_seconds_completed,
        cast(coalesce(c.available_credits, 0) as bigint) as available_credits,
        cast(coalesce(c.reserved_or_spent_credits, 0) as bigint) as reserved_or_spent_credits
    from tenant_count as tc
    cross join totals as j
    cross join windows as w
    cross join credits as c
    left join p95 on 1 = 1
)

select * from final
