{#- ===== Try-on metric formulas (spec 000, "Metric Logic"). Each is written here once. ===== -#}

{#- Statuses the spec defines; anything else (after trimming and lower-casing) is 'unknown'. -#}
{% macro tryon_in_flight_statuses() -%}{{ return(['queued', 'processing']) }}{%- endmacro %}
{% macro tryon_terminal_statuses() -%}{{ return(['completed', 'failed', 'provider_expired']) }}{%- endmacro %}

{% macro sql_list(values) -%}
    ({%- for v in values -%}'{{ v }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{% macro normalize_tryon_status(raw_status) -%}
    {{ normalized_choice(raw_status, tryon_in_flight_statuses() + tryon_terminal_statuses()) }}
{%- endmacro %}

{#- Lifecycle: updated_at - created_at in seconds, for terminal jobs only, never negative (clock skew is
    clamped to 0); null when the job is not terminal or a timestamp is missing. -#}
{% macro lifecycle_seconds(status, created_at, updated_at) -%}
    case
        when {{ status }} in {{ sql_list(tryon_terminal_statuses()) }}
            and {{ created_at }} is not null and {{ updated_at }} is not null
            then greatest({{ seconds_between(created_at, updated_at) }}, 0.0)
    end
{%- endmacro %}

{#- Success rate: completed / (completed + failed + provider_expired) as 0..100, null with no terminal job.
    terminal_jobs = completed_jobs + failed_jobs, because failed_jobs includes provider_expired (spec's is_failed). -#}
{% macro terminal_success_rate_pct(completed_jobs, terminal_jobs) -%}
    {{ pct(completed_jobs, terminal_jobs) }}
{%- endmacro %}

{#- Additive per-group state of try-on jobs; every mart sums these and derives its KPIs with
    tryon_outcome_kpis(). Input: rows of int_tryon__jobs_enriched. -#}
{% macro tryon_job_state_from_jobs() -%}
    cast(count(*) as bigint) as total_jobs,
    cast(sum(case when is_completed then 1 else 0 end) as bigint) as completed_jobs,
    cast(sum(case when is_failed then 1 else 0 end) as bigint) as failed_jobs,
    cast(sum(case when is_provider_expired then 1 else 0 end) as bigint) as provider_expired_jobs,
    cast(sum(case when is_in_flight then 1 else 0 end) as bigint) as in_flight_jobs,
    cast(sum(case when is_unknown_status then 1 else 0 end) as bigint) as unknown_status_jobs,
    cast(sum(case when is_completed and lifecycle_seconds is not null then 1 else 0 end) as bigint)
        as completed_jobs_with_lifecycle,
    {#- An exact decimal sum (microseconds): the same whatever order rows are added in, so an incremental run
        and a full refresh give identical averages, not ones a rounding apart. #}
    coalesce(sum(case when is_completed then cast(lifecycle_seconds as {{ dbt.type_numeric() }}) end), 0)
        as lifecycle_seconds_completed_sum,
    cast(coalesce(sum(credits_charged), 0) as bigint) as credits_charged,
    max(source_changed_at) as last_source_changed_at
{%- endmacro %}

{#- The same state, summed again over rows that already hold it. -#}
{% macro tryon_job_state_from_state() -%}
    cast(sum(total_jobs) as bigint) as total_jobs,
    cast(sum(completed_jobs) as bigint) as completed_jobs,
    cast(sum(failed_jobs) as bigint) as failed_jobs,
    cast(sum(provider_expired_jobs) as bigint) as provider_expired_jobs,
    cast(sum(in_flight_jobs) as bigint) as in_flight_jobs,
    cast(sum(unknown_status_jobs) as bigint) as unknown_status_jobs,
    cast(sum(completed_jobs_with_lifecycle) as bigint) as completed_jobs_with_lifecycle,
    sum(lifecycle_seconds_completed_sum) as lifecycle_seconds_completed_sum,
    cast(sum(credits_charged) as bigint) as credits_charged,
    max(last_source_changed_at) as last_source_changed_at
{%- endmacro %}

{#- The KPI columns every try-on mart exposes, from summed state columns (optionally qualified). -#}
{% macro tryon_outcome_kpis(state='') -%}
    {%- set s = state ~ '.' if state else '' -%}
    cast(coalesce({{ s }}total_jobs, 0) as bigint) as total_jobs,
    cast(coalesce({{ s }}completed_jobs, 0) as bigint) as completed_jobs,
    cast(coalesce({{ s }}failed_jobs, 0) as bigint) as failed_jobs,
    cast(coalesce({{ s }}provider_expired_jobs, 0) as bigint) as provider_expired_jobs,
    cast(coalesce({{ s }}in_flight_jobs, 0) as bigint) as in_flight_jobs,
    cast(coalesce({{ s }}unknown_status_jobs, 0) as bigint) as unknown_status_jobs,
    cast(coalesce({{ s }}completed_jobs, 0) + coalesce({{ s }}failed_jobs, 0) as bigint) as terminal_jobs,
    cast({{ terminal_success_rate_pct(s ~ 'completed_jobs', s ~ 'completed_jobs + ' ~ s ~ 'failed_jobs') }}
        as {{ type_double() }}) as terminal_success_rate_pct,
    cast({{ safe_divide(s ~ 'lifecycle_seconds_completed_sum', s ~ 'completed_jobs_with_lifecycle') }}
        as {{ type_double() }}) as avg_lifecycle_seconds_completed
{%- endmacro %}

{#- The KPI column names every try-on mart and public view carries, in order (for views' select lists). -#}
{% macro tryon_kpi_columns() -%}
    {%- for name in ['total_jobs', 'completed_jobs', 'failed_jobs', 'provider_expired_jobs', 'in_flight_jobs',
                     'unknown_status_jobs', 'terminal_jobs', 'terminal_success_rate_pct',
                     'avg_lifecycle_seconds_completed', 'p95_lifecycle_seconds_completed'] -%}
    {{ name }}{{ ",\n    " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
