with failures as (
    select * from {{ ref('int_tryon__failure_reasons_daily') }}
),

reasons as (
    select
        failure_reason_normalized,
        cast(sum(failed_jobs) as bigint) as total_failures,
        cast(sum(provider_expired_jobs) as bigint) as provider_expired_failures,
        cast(count(distinct tenant_id) as bigint) as tenants_affected,
        min(created_day_utc) as first_seen_day_utc,
        max(created_day_utc) as last_seen_day_utc
    from failures
    group by failure_reason_normalized
),

final as (
    select
        failure_reason_normalized,
        total_failures,
        provider_expired_failures,
        tenants_affected,
        cast({{ pct('total_failures', 'sum(total_failures) over ()') }} as {{ type_double() }})
            as share_of_failures_pct,
        first_seen_day_utc,
        last_seen_day_utc
    from reasons
)

select * from final
