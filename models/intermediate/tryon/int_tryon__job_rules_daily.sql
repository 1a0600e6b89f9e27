-- depends_on: {{ ref('int_tryon__changed_units') }}
-- depends_on: {{ ref('base_tryon__job_versions') }}
{{
    config(**incremental_config(
        unique_key='source_day',
        partition_day='source_day',
        indexes=[
            {'columns': ['source_day'], 'unique': true},
        ],
        recompute={
            'manifest': 'int_tryon__changed_units',
            'source': 'tryon_jobs',
            'unit': 'created_day_utc',
            'column': 'source_day',
            'always': "cast('1900-01-01' as date)",
        },
    ))
}}

-- Mergeable data-quality state: for each UTC creation day of raw job rows (1900-01-01: no creation time), how
-- many rows each rule touched. tryon_data_quality sums these rows. Incremental: recomputes the days any version
-- of a changed job falls in and the days of changed rows, reading only those days through the raw indexes.
with versions as (
    {{ rows_on_changed_days(ref('base_tryon__jobs'), 'job_id', ref('base_tryon__job_versions')) }}
),

final as (
    select
        source_day,
        cast(count(*) as bigint) as source_rows,
        {{ count_rows_where("is_missing_job_id") }} as missing_job_id,
        {{ count_rows_where("not is_missing_job_id and version_rank > 1") }} as duplicate_job_version,
        {{ count_rows_where("is_missing_created_at") }} as missing_created_at,
        {{ count_rows_where("is_missing_tenant_id") }} as missing_tenant_id,
        {{ count_rows_where("is_unknown_status") }} as unknown_status,
        {{ count_rows_where("is_status_recased") }} as status_recased,
        {{ count_rows_where("is_missing_updated_at") }} as missing_updated_at,
        {{ count_rows_where("is_infinite_time") }} as infinite_time,
        {{ count_rows_where("is_before_plausible_time") }} as created_before_plausible_time,
        {{ count_rows_where("is_updated_before_created") }} as updated_before_created,
        {{ count_rows_where("is_invalid_credits_charged") }} as invalid_credits_charged,
        {{ count_rows_where("status = 'failed' and raw_failure_reason is null") }} as failed_without_reason,
        {{ count_rows_where("has_pii_in_failure_reason") }} as personal_data_in_failure_reason,
        {{ count_rows_where("has_pii_in_model") }} as personal_data_in_model,
        max(source_changed_at) as last_source_changed_at
    from versions
    group by source_day
)

select * from final
