{#- No nested loops: changed ids are looked up and joined back (macros/models/local_setting.sql). -#}
{{
    config(**incremental_config(
        pre_hook=["{{ local_setting('enable_nestloop', 'off') }}"],
        unique_key=['source_name', 'hour_start'],
        partition_day=none,
        indexes=[
            {'columns': ['source_name', 'hour_start'], 'unique': true},
            {'columns': ['last_changed_at']},
        ],
    ))
}}

-- The LLM usage change manifest: for each UTC hour of request creation (and its day), the newest change (delivery)
-- that touched it (last_changed_at) and the dbt invocation that last touched it. Every incremental LLM model reads it
-- to know which hours or days to recompute: those changed since its own watermark. How changes touch units and how
-- the models read them: macros/incremental/changes.sql. Deliveries without a creation time have no hour and are in
-- no hourly state (int_llm__request_rules_daily always recomputes the day standing for them).
with touched as (
    -- Every delivery of a changed request (a re-delivery can move a request to another hour).
    select 'usage_logs' as source_name, hour_start, source_changed_at
    from ({{ unit_changes(ref('base_llm__usage_log_versions'), 'request_id', 'hour_start') }}) as requests
),

final as (
    {{ stamped_units('touched', 'hour_start', extra_columns=[utc_day('hour_start') ~ ' as created_day_utc']) }}
)

select * from final
