-- A snapshot at as_of: every row's trailing windows move with the clock, so the whole (small) table is
-- rebuilt each run, from the incremental monthly state (int_tryon__*_monthly) and a bounded read of the last 7
-- days of jobs.
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
    where {{ in_trailing_window('created_at', 7 * 24) }}
),

credit_days as (
    select * from {{ ref('int_tryon__credit_ledger_daily') }}
),

tenant_totals as (
    select
        tenant_id,
        {{ tryon_job_state_from_state() }}
    from stats
    group by tenant_id
),

p95 as (
    {{ histogram_quantile('histogram', ['tenant_id'], 0.95, 'p95_lifecycle_seconds_completed') }}
),

windows as (
    select
        tenant_id,
        cast(sum(case when {{ in_trailing_window('created_at', 24) }} then 1 else 0 end) as bigint) as jobs_last_24h,
        cast(count(*) as bigint) as jobs_last_7d
    from recent_jobs
    group by tenant_id
),

credits as (
    select
        tenant_id,
        cast(sum(available_credits_delta) as bigint) as available_credits,
        cast(sum(reserved_or_spent_credits_delta) as bigint) as reserved_or_spent_credits
    from credit_days
    group by tenant_id
),

final as (
    select
        t.tenant_id,
        t.shop_domain,
        {{ as_of() }} as as_of_at,
        {{ tryon_outcome_kpis('j') }},
        cast(coalesce(w.jobs_last_24h, 0) as bigint) as jobs_last_24h,
        cast(coalesce(w.jobs_last_7d, 0) as bigint) as jobs_last_7d,
        p95.p95_lifecycle_seconds_completed,
        cast(coalesce(c.available_credits, 0) as bigint) as available_credits,
        cast(coalesce(c.reserved_or_spent_credits, 0) as bigint) as reserved_or_spent_credits
    from tenants as t
    left join tenant_totals as j on t.tenant_id = j.tenant_id
    left join p95 on t.tenant_id = p95.tenant_id
    left join windows as w on t.tenant_id = w.tenant_id
    left join credits as c on t.tenant_id = c.tenant_id
)

select * from final
