-- depends_on: {{ source('llm', 'usage_logs') }}
{{
    config(
        materialized='incremental',
        unique_key='date',
        incremental_strategy='delete+insert',
        indexes=[
            {'columns': ['project_id', 'date'], 'unique': true},
            {'columns': ['date']},
        ],
    )
}}

{{ llm_usage_aggregation('day', var('llm_daily_retention_days')) }}
