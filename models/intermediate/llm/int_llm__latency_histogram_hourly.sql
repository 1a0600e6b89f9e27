-- depends_on: {{ ref('int_llm__changed_units') }}
-- depends_on: {{ ref('base_llm__usage_log_versions') }}
{{
    config(**incremental_config(
        unique_key='hour_start',
        partition_day='created_day_utc',
        indexes=[
            {'columns': ['hour_start', 'project_id', 'latency_bucket'], 'unique': true},
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

-- Mergeable latency distribution: requests per log-scale latency bucket (macros/metrics/histogram.sql, in
-- milliseconds), so p95 over any hour range comes from these rows, never from request rows.
with requests as (
    select * from {{ ref('stg_llm__usage_logs') }}
    where
        latency_ms is not null
        and {{ utc_day('hour_start') }} >= {{ retention_cutoff_day(var('llm_daily_retention_days')) }}
    {% if is_incremental() %}
        {%- set changed = recomputed_units() %}
        and {{ in_recomputed_units() }}
        and {{ is_entity_in_units('request_id', ref('base_llm__usage_log_versions'), config.get('meta')['recompute'].unit,
                                  changed) }}
    {% endif %}
),

final as (
    select
        project_id,
        hour_start,
        created_day_utc,
        {{ histogram_bucket('latency_ms') }} as latency_bucket,
        cast(count(*) as bigint) as requests,
        max(source_changed_at) as last_source_changed_at
    from requests
    group by project_id, hour_start, created_day_utc, {{ histogram_bucket('latency_ms') }}
)

select * from final
