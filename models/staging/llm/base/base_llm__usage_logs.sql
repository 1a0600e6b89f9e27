-- Every raw usage log row, typed and normalised, with one flag per data-quality rule. No row is dropped
-- here: stg_llm__usage_logs applies the rules, llm_data_quality counts them.
with versions as (
    select * from {{ ref('base_llm__usage_log_versions') }}
),

normalised as (
    select
        request_id,
        project_id,
        -- Provider and model names reach every mart (requests_by_model included): personal data typed into them
        -- (a fine-tune named after a person's email) is masked here (macros/privacy/pii.sql).
        {{ scrub_pii("coalesce(nullif(lower(trim(provider)), ''), 'unknown')") }} as provider,
        {{ scrub_pii("coalesce(nullif(lower(trim(model)), ''), 'unknown')") }} as model,
        {{ has_pii('provider') }} or {{ has_pii('model') }} as has_pii_in_model_name,
        tokens_input as raw_tokens_input,
        tokens_output as raw_tokens_output,
        cost_usd as raw_cost_usd,
        potential_cost_usd as raw_potential_cost_usd,
        coalesce(cached, false) as is_cached,
        latency_ms as raw_latency_ms,
        status as raw_status,
        {{ normalize_llm_status('status') }} as status,
        created_at,
        ingested_at,
        source_changed_at
    from versions
),

flagged as (
    select
        *,
        request_id is null as is_missing_request_id,
        project_id is null as is_missing_project_id,
        created_at is null as is_missing_created_at,
        -- An infinite creation time has no hour (dropped); an infinite ingested_at still ranks as the newest delivery.
        {{ is_infinite_time('created_at') }} or {{ is_infinite_time('ingested_at') }} as is_infinite_time,
        {{ is_infinite_time('created_at') }} as is_infinite_created_at,
        status = 'unknown' as is_unknown_status,
        raw_tokens_input < 0 or raw_tokens_output < 0
            or raw_tokens_input is null or raw_tokens_output is null as is_invalid_tokens,
        coalesce(raw_tokens_input > {{ var('llm_max_tokens_per_request') | int }}
            or raw_tokens_output > {{ var('llm_max_tokens_per_request') | int }}, false) as is_implausible_tokens,
        -- NaN or an infinity is not a cost: in a sum it would turn every total it reaches into NaN.
        raw_cost_usd < 0 or raw_cost_usd is null or {{ is_not_finite('raw_cost_usd') }} as is_invalid_cost,
        coalesce(not {{ is_not_finite('raw_cost_usd') }}
            and raw_cost_usd > {{ var('llm_max_cost_usd_per_request') }}, false) as is_implausible_cost,
        raw_latency_ms < 0 or raw_latency_ms is null as is_invalid_latency,
        raw_latency_ms > {{ var('llm_latency_outlier_ms') | int }} as is_latency_outlier,
        -- Not backfilled (0 or missing), or unusable (negative, not a number, implausible): the spec's backfill applies.
        coalesce(raw_potential_cost_usd, 0) <= 0 or {{ is_not_finite('raw_potential_cost_usd') }}
            or raw_potential_cost_usd > {{ var('llm_max_cost_usd_per_request') }} as is_potential_cost_missing,
        row_number() over (
            partition by request_id
            order by ingested_at desc nulls last, created_at desc nulls last,
                cast(project_id as {{ dbt.type_string() }}) nulls last, model nulls last, raw_cost_usd nulls last,
                raw_potential_cost_usd nulls last, raw_latency_ms nulls last
        ) as version_rank
    from normalised
)

select * from flagged
