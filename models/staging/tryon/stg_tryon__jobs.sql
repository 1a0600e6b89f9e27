-- One row per try-on job: its newest version, attributable to a tenant, with a (finite) creation time.
with jobs as (
    select * from {{ ref('base_tryon__jobs') }}
),

final as (
    select
        job_id,
        tenant_id,
        status,
        model,
        case
            when status not in ('failed', 'provider_expired') then null
            when raw_failure_reason is not null then raw_failure_reason
            when status = 'provider_expired' then 'provider_expired'
            else 'unspecified'
        end as failure_reason_normalized,
        created_at,
        updated_at,
        source_changed_at,
        case when not is_invalid_credits_charged and raw_credits_charged > 0 then raw_credits_charged else 0 end
            as credits_charged
    from jobs
    where
        version_rank = 1
        and not is_missing_job_id
        and not is_missing_created_at
        and not is_infinite_created_at
        and not is_missing_tenant_id
)

select * from final
