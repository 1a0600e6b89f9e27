-- depends_on: {{ ref('int_tryon__changed_units') }}
{{
    config(**incremental_config(
        unique_key='created_day_utc',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['created_day_utc', 'tenant_id', 'model', 'lifecycle_bucket'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'tryon_jobs',
            'unit': 'created_day_utc',
            'column': 'created_day_utc',
        },
    ))
}}

with jobs as (
    select * from {{ ref('int_tryon__jobs_enriched') }}
    where is_completed and lifecycle_bucket is not null
    {% if is_incremental() %}
        and {{ in_recomputed_units() }}
    {% endif %}
),

final as (
    select
        tenant_id,
        created_day_utc,
        model,
        lifecycle_bucket,
        cast(count(*) as bigint) as completed_jobs,
        max(source_changed_at) as last_source_changed_at
    from jobs
    group by tenant_id, created_day_utc, model, lifecycle_bucket
)

select * from final
