-- One row per request: its newest delivery, attributable to a project, with a creation time; costs,
-- tokens and latency cleaned by the rules of _llm__models.yml, and the potential cost the spec's backfill
-- computes (without touching the source). The one join of this layer is the reference price lookup the
-- spec's backfill itself does.
with logs as (
    select * from {{ ref('base_llm__usage_logs') }}
),

prices as (
    select * from {{ ref('stg_llm__model_prices') }}
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
        case when not is_invalid_tokens then raw_tokens_input end as tokens_input,
        case when not is_invalid_tokens then raw_tokens_output end as tokens_output,
        case when not is_invalid_cost then raw_cost_usd end as cost_usd,
        raw_potential_cost_usd,
        is_potential_cost_missing,
        case when not is_invalid_latency and not is_latency_outlier then raw_latency_ms end as latency_ms
    from logs
    where
        version_rank = 1
        and not is_missing_request_id
        and not is_missing_project_id
        and not is_missing_created_at
),

priced as (
    select
        c.*,
        p.model is not null as has_list_price,
        {{ llm_list_cost_usd('c.tokens_input', 'c.tokens_output', 'p.input_usd_per_1k_tokens',
                             'p.output_usd_per_1k_tokens') }} as list_cost_usd
    from cleaned as c
    left join prices as p
        on c.model = p.model
        and c.created_day_utc >= p.valid_from
        and (p.valid_to is null or c.created_day_utc < p.valid_to)
),

with_potential as (
    select
        *,
        {{ llm_potential_cost_usd('raw_potential_cost_usd', 'is_cached', 'cost_usd', 'list_cost_usd') }}
            as potential_cost_usd
    from priced
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
        list_cost_usd,
        has_list_price,
        potential_cost_usd,
        is_potential_cost_missing and potential_cost_usd is not null as is_potential_cost_imputed,
        {{ llm_savings_usd('potential_cost_usd', 'cost_usd') }} as savings_usd,
        latency_ms
    from with_potential
)

select * from final
