-- One row per project: the newest copy of each project id.
with source as (
    select * from {{ source('llm', 'projects') }}
),

ranked as (
    select
        id as project_id,
        tenant_id,
        name as project_name,
        created_at,
        row_number() over (partition by id order by created_at desc nulls last, name) as version_rank,
        count(*) over (partition by id) as copies_in_source
    from source
    where id is not null
),

final as (
    select project_id, tenant_id, project_name, created_at, copies_in_source
    from ranked
    where version_rank = 1
)

select * from final
