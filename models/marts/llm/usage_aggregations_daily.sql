-- depends_on: {{ ref('int_llm__changed_units') }}
{{
    config(**incremental_config(
        unique_key='date',
        partition_day='date',
        indexes=[
            {'columns': ['project_id', 'date'], 'unique': true},
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

{{ llm_usage_aggregation('day', var('llm_daily_retention_days')) }}
