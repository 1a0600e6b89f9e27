-- depends_on: {{ ref('int_renders__changed_units') }}
-- depends_on: {{ ref('base_renders__render_versions') }}
{{ config(**by_day_config('int_renders__changed_units', 'renders', ['source_day'], day='source_day',
                          always="cast('1900-01-01' as date)")) }}

-- Mergeable data-quality state: for each UTC creation day of raw render rows (1900-01-01: no creation time), how many
-- rows each rule of renders_data_quality touched. renders_data_quality sums these rows. Incremental: recomputes the
-- days any version of a changed render falls in, reading only those days through the raw indexes.
with versions as (
    {{ rows_on_changed_days(ref('base_renders__renders'), 'render_id', ref('base_renders__render_versions')) }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ rule_count_columns(renders_quality_rules()['renders']) }},
        max(source_changed_at) as last_source_changed_at
    from versions
    group by source_day
)

select * from final
