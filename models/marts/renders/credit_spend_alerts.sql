{#- History: a --full-refresh keeps it (full_refresh: false), like analytics_quota_exceeded. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        indexes=[
            {'columns': ['user_id', 'date'], 'unique': true},
            {'columns': ['detected_at']},
        ],
    )
}}

-- One row per user and UTC day whose credits spent went over the threshold (var credits_daily_alert_threshold):
-- spec 003's future enhancement "Alerts: notifications for usage thresholds", recorded once, when a build first saw
-- it (detected_at, the build's start). Append-only: a day that later falls back under the threshold keeps its row.
-- The Dagster check credit_spend_alerts notifies on the rows a run adds (orchestration/credit_alerts.py).
{%- set threshold = credits_daily_alert_threshold() %}
with spent as (
    select user_id, date, sum(credits) as credits_spent
    from {{ ref('credit_stats_daily') }}
    where direction = 'debit'
    group by user_id, date
    having sum(credits) > {{ threshold }}
),

new_rows as (
    {{ not_yet_recorded('spent', ['user_id', 'date']) }}
),

final as (
    select
        user_id,
        date,
        cast(credits_spent as bigint) as credits_spent,
        cast({{ threshold }} as bigint) as threshold,
        {{ first_detection_columns() }}
    from new_rows
)

select * from final
