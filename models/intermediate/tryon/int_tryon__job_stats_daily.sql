-- depends_on: {{ ref('int_tryon__changed_units') }}
{{
    config(**incremental_config(
        unique_key='created_day_utc',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['created_day_utc', 'tenant_id', 'model'], 'unique': true},
            {'columns': ['tenant_id', 'created_day_utc']},
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
    {% if is_incremental() %}
        where {{ in_recomputed_units() }}
    {% endif %}
),

final as (
    select
        tenant_id,
        created_day_utc,
        model,
        {{ tryon_job_state_from_jobs() }}
    from jobs
    group by tenant_id, created_day_utc, model
)

select * from final
