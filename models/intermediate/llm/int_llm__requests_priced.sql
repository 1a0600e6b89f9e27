{{ config(materialized='view') }}

-- One row per request (stg_llm__usage_logs) with its list price, the potential cost spec 001's backfill computes
-- (without touching the source) and its savings. A view: every incremental model of the domain reads it for the
-- units it recomputes, so the price lookup is written once and runs only over those rows.
with requests as (
    select * from {{ ref('stg_llm__usage_logs') }}
),

prices as (
    select * from {{ ref('stg_llm__model_prices') }}
),

priced as (
    select
        requests.*,
        prices.model is not null as has_list_price,
        {{ llm_list_cost_usd('requests.tokens_input', 'requests.tokens_output', 'prices.input_usd_per_1k_tokens',
                             'prices.output_usd_per_1k_tokens') }} as list_cost_usd
    from requests
    left join prices
        on requests.model = prices.model
        and requests.created_day_utc >= prices.valid_from
        and (prices.valid_to is null or requests.created_day_utc < prices.valid_to)
),

with_potential as (
    select
        *,
        {{ llm_potential_cost_usd('logged_potential_cost_usd', 'is_cached', 'cost_usd', 'list_cost_usd') }}
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
