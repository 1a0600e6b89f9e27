-- depends_on: {{ ref('int_tryon__changed_units') }}
-- The daily lifecycle histogram summed per UTC month, for the all-time p95 of the snapshot marts. Incremental:
-- whole months holding a changed job are recomputed from the daily histogram.
{{
    config(**incremental_config(
        unique_key='created_month_utc',
        partition_day='created_month_utc',
        indexes=[
            {'columns': ['created_month_utc', 'tenant_id', 'model', 'lifecycle_bucket'], 'unique': true},
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
    select * from {{ ref('int_tryon__lifecycle_histogram_daily') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units(month_of_day('created_day_utc')) }}
    {% endif %}
),

final as (
    select
        tenant_id,
        {{ month_of_day('created_day_utc') }} as created_month_utc,
        model,
        lifecycle_bucket,
        cast(sum(completed_jobs) as bigint) as completed_jobs,
        max(last_source_changed_at) as last_source_changed_at
    from days
    group by tenant_id, {{ month_of_day('created_day_utc') }}, model, lifecycle_bucket
)

select * from final
