-- One row per model per price period, with the (exclusive) end of the period.
with prices as (
    select * from {{ ref('llm_model_prices') }}
),

final as (
    select
        lower(trim(model)) as model,
        provider,
        cast(valid_from as date) as valid_from,
        lead(cast(valid_from as date)) over (partition by lower(trim(model)) order by valid_from) as valid_to,
        input_usd_per_1k_tokens,
        output_usd_per_1k_tokens
    from prices
)

select * from final
