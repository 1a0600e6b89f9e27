-- depends_on: {{ ref('int_tryon__changed_units') }}
{{
    config(**incremental_config(
        unique_key='created_day_utc',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['created_day_utc'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'tryon_jobs',
            'unit': 'created_day_utc',
            'column': 'created_day_utc',
        },
    ))
}}

with stats as (
    select * from {{ ref('int_tryon__job_stats_daily') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units() }}
    {% endif %}
),

histogram as (
    select * from {{ ref('int_tryon__lifecycle_histogram_daily') }}
    where created_day_utc in (select created_day_utc from stats)
),

days as (
    select
        created_day_utc,
        cast(count(distinct tenant_id) as bigint) as tenants_with_jobs,
        {{ tryon_job_state_from_state() }}
    from stats
    group by created_day_utc
),

p95 as (
    {{ histogram_quantile('histogram', ['created_day_utc'], 0.95, 'p95_lifecycle_seconds_completed') }}
),

final as (
    select
        d.created_day_utc,
        d.tenants_with_jobs,
        {{ tryon_outcome_kpis('d') }},
        p95.p95_lifecycle_seconds_completed,
        d.credits_charged,
        d.last_source_changed_at
    from days as d
    left join p95 on d.created_day_utc = p95.created_day_utc
)

select * from final
