{#- The calendar MetricFlow joins metrics to (dbt's semantic layer needs one at day grain): every UTC day from
    2000 to 2040, the span of min_plausible_time and beyond any history a tenant keeps. -#}
{{ config(materialized='table') }}

with days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2041-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
