-- depends_on: {{ ref('int_llm__changed_units') }}
{{
    config(**incremental_config(
        unique_key='date',
        partition_day='date',
        indexes=[
            {'columns': ['project_id', 'date', 'provider', 'model'], 'unique': true},
            {'columns': ['date']},
        ],
        recompute={
            'manifest': 'int_llm__changed_units',
            'source': 'usage_logs',
            'unit': 'created_day_utc',
            'column': 'date',
        },
    ))
}}

-- The spec's requests_by_provider / requests_by_model as a long table BI tools can group by, with every
-- usage column per (project, UTC day, provider, model).
with state as (
    select *, created_day_utc as date
    from {{ ref('int_llm__usage_hourly') }}
    where {{ utc_day('hour_start') }} >= {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
    {% if is_incremental() %}
        and {{ in_recomputed_units('created_day_utc') }}
    {% endif %}
),

per_model as (
    select
        project_id,
        tenant_id,
        date,
        provider,
        model,
        {{ llm_usage_state_from_state() }},
        max(last_source_changed_at) as last_source_changed_at
    from state
    group by project_id, tenant_id, date, provider, model
),

final as (
    select
        per_model.project_id,
        per_model.tenant_id,
        per_model.date,
        per_model.provider,
        per_model.model,
        {{ llm_usage_kpis('per_model') }},
        per_model.last_source_changed_at
    from per_model
)

select * from final
