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
        status = 'unknown' as is_unknown_status,
        raw_tokens_input < 0 or raw_tokens_output < 0
            or raw_tokens_input is null or raw_tokens_output is null as is_invalid_tokens,
        raw_cost_usd < 0 or raw_cost_usd is null as is_invalid_cost,
        raw_latency_ms < 0 or raw_latency_ms is null as is_invalid_latency,
        raw_latency_ms > {{ var('llm_latency_outlier_ms') | int }} as is_latency_outlier,
        coalesce(raw_potential_cost_usd, 0) <= 0 as is_potential_cost_missing,
        row_number() over (
            partition by request_id
            order by ingested_at desc nulls last, created_at desc nulls last,
                cast(project_id as {{ dbt.type_string() }}) nulls last, model nulls last, raw_cost_usd nulls last,
                raw_potential_cost_usd nulls last, raw_latency_ms nulls last
        ) as version_rank
    from normalised
)

select * from flagged
