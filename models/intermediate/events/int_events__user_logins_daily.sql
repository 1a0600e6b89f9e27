-- depends_on: {{ ref('int_events__changed_units') }}
{{ config(**events_by_day_config(['tenant_id', 'created_day_utc', 'user_id'], day='created_day_utc')) }}

-- One row per tenant, UTC day and user with at least one login (auth.user.login): the mergeable state of spec 002's
-- "Active Users" (distinct users with a login over a window cannot be summed from daily counts). Incremental by day.
with logins as (
    select tenant_id, created_day_utc, user_id, source_changed_at
    from {{ ref('stg_events__events') }}
    where event = 'auth.user.login' and user_id is not null
    {% if is_incremental() %}
        and {{ in_recomputed_units('created_day_utc') }}
    {% endif %}
),

final as (
    select
        tenant_id,
        created_day_utc,
        user_id,
        cast(count(*) as bigint) as logins,
        max(source_changed_at) as last_source_changed_at
    from logins
    group by tenant_id, created_day_utc, user_id
)

select * from final
