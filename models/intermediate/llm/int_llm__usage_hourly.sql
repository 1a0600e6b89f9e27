-- depends_on: {{ ref('int_llm__changed_units') }}
-- depends_on: {{ ref('base_llm__usage_log_versions') }}
{{
    config(**incremental_config(
        unique_key='hour_start',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['hour_start', 'project_id', 'provider', 'model'], 'unique': true},
            {'columns': ['project_id', 'hour_start']},
            {'columns': ['created_day_utc']},
        ],
        recompute={
            'manifest': 'int_llm__changed_units',
            'source': 'usage_logs',
            'unit': {'hour': 'hour_start', 'day': 'created_day_utc'}[incremental_unit('hour')],
            'column': {'hour': 'hour_start', 'day': 'created_day_utc'}[incremental_unit('hour')],
        },
    ))
}}

-- Mergeable usage state: every mart of the domain sums these rows. Incremental: every run recomputes whole
-- UTC hours that hold a request that landed since the last run (minus the lookback), and the hours its
-- earlier deliveries fell in (a re-delivery can move a request to another hour).
with requests as (
    select * from {{ ref('int_llm__requests_priced') }}
    where {{ utc_day('hour_start') }} >= {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
    {% if is_incremental() %}
        {%- set changed = recomputed_units() %}
        and {{ in_recomputed_units() }}
        and {{ is_entity_in_units('request_id', ref('base_llm__usage_log_versions'), config.get('meta')['recompute'].unit,
                                  changed) }}
    {% endif %}
),

projects as (
    select project_id, tenant_id from {{ ref('stg_llm__projects') }}
),

final as (
    select
        requests.project_id,
        projects.tenant_id,
        requests.hour_start,
        requests.created_day_utc,
        requests.provider,
        requests.model,
        {{ llm_usage_state_from_requests() }},
        max(requests.source_changed_at) as last_source_changed_at
    from requests
    left join projects on requests.project_id = projects.project_id
    group by
        requests.project_id, projects.tenant_id, requests.hour_start, requests.created_day_utc, requests.provider,
        requests.model
)

select * from final
