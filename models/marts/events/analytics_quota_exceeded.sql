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
    select e.*
    from exceeded as e
    {% if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as seen
        where seen.tenant_id = e.tenant_id and seen.metric = e.metric and seen.date = e.date
    )
    {% endif %}
),

final as (
    select
        tenant_id,
        metric,
        date,
        current_count as count_when_detected,
        daily_limit as limit_when_detected,
        {{ timestamp_literal(run_started_iso()) }} as detected_at,
        {{ dbt.cast("'" ~ invocation_id ~ "'", 'text') }} as detected_by_invocation
    from new_rows
)

select * from final
