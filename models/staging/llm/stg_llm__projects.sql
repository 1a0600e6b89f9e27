{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['project_id'], 'unique': true},
        ],
    )
}}

-- One row per project: the newest copy of each project id.
-- A table with a unique index, unlike the other staging models (views): every incremental LLM run joins its changed
-- requests to this lookup, and the planner, which cannot estimate how many requests an incremental filter keeps,
-- may pick a nested loop. Over a view that loop re-ran the projects' window for every request (201 s of a 10M-row
-- incremental run); over the index it is one lookup per request (the same model: 6 s).
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
