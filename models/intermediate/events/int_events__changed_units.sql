{{
    config(**incremental_config(
        unique_key=['source_name', 'created_day_utc'],
        partition_day=none,
        indexes=[
            {'columns': ['source_name', 'created_day_utc'], 'unique': true},
            {'columns': ['last_changed_at']},
        ],
    ))
}}

-- The product events change manifest: for each UTC day of event time, the newest change that touched it
-- (last_changed_at) and the dbt invocation that last touched it. Every incremental events model reads it to know which
-- days to recompute: those changed since its own watermark (macros/incremental/changes.sql). An event's change time is
-- its own time (the log has no landing time), so an event that lands more than incremental_lookback_hours late is
-- stamped by the daily reconciliation (macros/incremental/reconcile.sql), which compares each day's raw rows with
-- what the state counted.
with touched as (
    select 'analytics_events' as source_name, created_day_utc, source_changed_at
    from ({{ unit_changes(ref('base_events__event_versions'), 'event_id', 'created_day_utc') }}) as events
),

final as (
    {{ stamped_units('touched', 'created_day_utc') }}
)

select * from final
