with stats as (
    select * from {{ ref('int_tryon__job_stats_monthly') }}
),

histogram as (
    select * from {{ ref('int_tryon__lifecycle_histogram_monthly') }}
),

tenant_models as (
    select
        tenant_id,
        model,
        min(first_job_day_utc) as first_job_day_utc,
        max(last_job_day_utc) as last_job_day_utc,
        {{ tryon_job_state_from_state() }}
    from stats
    group by tenant_id, model
),

p95 as (
    {{ histogram_quantile('histogram', ['tenant_id', 'model'], 0.95, 'p95_lifecycle_seconds_completed') }}
),

final as (
    select
        m.tenant_id,
        m.model,
        {{ tryon_outcome_kpis('m') }},
        p95.p95_lifecycle_seconds_completed,
        m.credits_charged,
        m.first_job_day_utc,
        m.last_job_day_utc
    from tenant_models as m
    left join p95 on m.tenant_id = p95.tenant_id and m.model = p95.model
)

select * from final
