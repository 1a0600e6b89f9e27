-- One row per request: its newest delivery, attributable to a project, with a creation time; costs,
-- tokens and latency cleaned by the rules of _llm__models.yml. Pricing, the spec's potential-cost backfill and
-- savings are business logic and live in int_llm__requests_priced.
with logs as (
    select * from {{ ref('base_llm__usage_logs') }}
),

cleaned as (
    select
        request_id,
        project_id,
        provider,
        model,
        is_cached,
        status,
        created_at,
        ingested_at,
        source_changed_at,
        {{ utc_hour('created_at') }} as hour_start,
        {{ utc_day('created_at') }} as created_day_utc,
        case when not is_invalid_tokens and not is_implausible_tokens then raw_tokens_input end as tokens_input,
        case when not is_invalid_tokens and not is_implausible_tokens then raw_tokens_output end as tokens_output,
        case when not is_invalid_cost and not is_implausible_cost then raw_cost_usd end as cost_usd,
        case when not is_potential_cost_missing then raw_potential_cost_usd end as logged_potential_cost_usd,
        is_potential_cost_missing,
        case when not is_invalid_latency and not is_latency_outlier then raw_latency_ms end as latency_ms
    from logs
    where
        version_rank = 1
        and not is_missing_request_id
        and not is_missing_project_id
        and not is_missing_created_at
        and not is_infinite_created_at
),

final as (
    select
        request_id,
        project_id,
        provider,
        model,
        is_cached,
        status,
        created_at,
        ingested_at,
        source_changed_at,
        hour_start,
        created_day_utc,
        tokens_input,
        tokens_output,
        cost_usd,
        logged_potential_cost_usd,
        is_potential_cost_missing,
        latency_ms
    from cleaned
)

select * from final
