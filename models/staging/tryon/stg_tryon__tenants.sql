-- One row per tenant: the newest copy of each tenant id, domain trimmed and lower-cased. Spec 000 declares only id
-- and shop_domain: created_at is read when the table has it (macro optional_column).
with source as (
    select
        id,
        shop_domain,
        {{ optional_column(source('tryon', 'tenants'), 'created_at', type_timestamptz()) }} as created_at
    from {{ source('tryon', 'tenants') }}
),

ranked as (
    select
        id as tenant_id,
        lower(trim(shop_domain)) as shop_domain,
        created_at,
        row_number() over (
            partition by id
            order by created_at desc nulls last, lower(trim(shop_domain))
        ) as version_rank,
        count(*) over (partition by id) as copies_in_source
    from source
    where id is not null
),

final as (
    select
        tenant_id,
        shop_domain,
        created_at,
        copies_in_source
    from ranked
    where version_rank = 1
)

select * from final
