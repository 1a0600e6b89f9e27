-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__account_activity_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'account_activity', ['source_day'], day='source_day',
                          always="cast('1900-01-01' as date)")) }}

-- Mergeable data-quality state: for each UTC day of raw account activity rows (1900-01-01: no time), how many rows
-- each rule of renders_data_quality touched. renders_data_quality sums these rows. Incremental by day.
with versions as (
    {{ rows_on_changed_days(ref('base_renders__account_activity'), 'activity_id',
                            ref('base_renders__account_activity_versions')) }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ rule_count_columns(renders_quality_rules()['account_activity']) }},
        max(source_changed_at) as last_source_changed_at
    from versions
    group by source_day
)

select * from final
