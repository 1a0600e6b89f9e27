-- depends_on: {{ ref('int_llm__changed_units') }}
{{
    config(**incremental_config(
        unique_key='hour_start',
        partition_day=none,
        indexes=[
            {'columns': ['project_id', 'hour_start'], 'unique': true},
            {'columns': ['hour_start']},
        ],
        recompute={
            'manifest': 'int_llm__changed_units',
            'source': 'usage_logs',
            'unit': 'hour_start',
            'column': 'hour_start',
        },
    ))
}}

{{ llm_usage_aggregation('hour', var('llm_hourly_retention_days')) }}
