-- depends_on: {{ ref('int_tryon__changed_units') }}
{{
    config(**incremental_config(
        unique_key='created_day_utc',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['created_day_utc', 'tenant_id', 'failure_reason_normalized'], 'unique': true},
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
    where is_failed
    {% if is_incremental() %}
        and {{ in_recomputed_units() }}
    {% endif %}
),

final as (
    select
        tenant_id,
        created_day_utc,
        failure_reason_normalized,
        cast(count(*) as bigint) as failed_jobs,
        cast(sum(case when is_provider_expired then 1 else 0 end) as bigint) as provider_expired_jobs,
        max(source_changed_at) as last_source_changed_at
    from jobs
    group by tenant_id, created_day_utc, failure_reason_normalized
)

select * from final
