-- depends_on: {{ ref('int_tryon__changed_units') }}
-- The daily state summed per UTC month: all-time snapshot marts (overviews, model performance) add up about
-- twelve rows a year per group instead of 365. Incremental: whole months holding a changed job are recomputed
-- from the daily state, which this run has already brought up to date.
{{
    config(**incremental_config(
        unique_key='created_month_utc',
        partition_day='created_month_utc',
        indexes=[
            {'columns': ['created_month_utc', 'tenant_id', 'model'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'tryon_jobs',
            'unit': 'month',
            'column': 'created_month_utc',
        },
    ))
}}

with days as (
    select * from {{ ref('int_tryon__job_stats_daily') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units(month_of_day('created_day_utc')) }}
    {% endif %}
),

final as (
    select
        tenant_id,
        {{ month_of_day('created_day_utc') }} as created_month_utc,
        model,
        min(created_day_utc) as first_job_day_utc,
        max(created_day_utc) as last_job_day_utc,
        {{ tryon_job_state_from_state() }}
    from days
    group by tenant_id, {{ month_of_day('created_day_utc') }}, model
)

select * from final
