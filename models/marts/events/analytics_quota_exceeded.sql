{#- History: a --full-refresh keeps it (full_refresh: false), like analytics_daily_usage. Each run reads every
    exceeded status row, not only the changed days': a limit lowered by an admin or QUOTA_DEFAULTS exceeds days whose
    events did not change (a full refresh of the status judges them again). Exceeded rows are few. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        indexes=[
            {'columns': ['tenant_id', 'metric', 'date'], 'unique': true},
            {'columns': ['detected_at']},
        ],
    )
}}

-- One row per tenant, quota metric and UTC day whose usage reached the limit: spec 002's "quota exceeded events are
-- tracked", once each, when a build first saw it (detected_at, the build's start). Append-only: a day that later
-- falls back under its limit (events deleted, a limit raised) keeps its row. The Dagster check
-- quota_exceeded_alerts raises an alert for the rows a run adds (orchestration/quotas.py).
with exceeded as (
    select tenant_id, metric, date, current_count, daily_limit
    from {{ ref('analytics_quota_status') }}
    where exceeded
),

new_rows as (
    {{ not_yet_recorded('exceeded', ['tenant_id', 'metric', 'date']) }}
),

final as (
    select
        tenant_id,
        metric,
        date,
        current_count as count_when_detected,
        daily_limit as limit_when_detected,
        {{ first_detection_columns() }}
    from new_rows
)

select * from final
