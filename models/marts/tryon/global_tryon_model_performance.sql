with stats as (
    select * from {{ ref('int_tryon__job_stats_monthly') }}
),

histogram as (
    select * from {{ ref('int_tryon__lifecycle_histogram_monthly') }}
),

models as (
    select
        model,
        cast(count(distinct tenant_id) as bigint) as tenants_using_model,
        min(first_job_day_utc) as first_job_day_utc,
        max(last_job_day_utc) as last_job_day_utc,
        {{ tryon_job_state_from_state() }}
    from stats
    group by model
),

p95 as (
    {{ histogram_quantile('histogram', ['model'], 0.95, 'p95_lifecycle_seconds_completed') }}
),

final as (
    select
        m.model,
        m.tenants_using_model,
        {{ tryon_outcome_kpis('m') }},
        p95.p95_lifecycle_seconds_completed,
        m.credits_charged,
        m.first_job_day_utc,
        m.last_job_day_utc
    from models as m
    left join p95 on m.model = p95.model
)

select * from final
