{#- The UTC calendar day of a timestamp (spec 000: timezone('utc', created_at)::date). -#}
{% macro utc_day(ts) -%}
    {{ return(adapter.dispatch('utc_day', 'tenant_analytics')(ts)) }}
{%- endmacro %}

{% macro default__utc_day(ts) -%}
    cast({{ ts }} as date)
{%- endmacro %}

{% macro postgres__utc_day(ts) -%}
    cast(timezone('utc', {{ ts }}) as date)
{%- endmacro %}

{#- The first day of the month a date falls in, as a date (the key of monthly state). -#}
{% macro month_of_day(day) -%}
    cast({{ dbt.date_trunc('month', day) }} as date)
{%- endmacro %}

{#- Seconds from start_ts to end_ts, fractional, negative when end_ts is earlier. -#}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'tenant_analytics')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as {{ type_double() }}) / 1000000.0)
{%- endmacro %}

{% macro postgres__seconds_between(start_ts, end_ts) -%}
    cast(extract(epoch from ({{ end_ts }} - {{ start_ts }})) as {{ type_double() }})
{%- endmacro %}

{#- The timestamp-with-time-zone type of the engine. -#}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}timestamp{%- endmacro %}

{% macro postgres__type_timestamptz() -%}timestamp with time zone{%- endmacro %}

{#- A timestamp literal from an ISO-8601 string. -#}
{% macro timestamp_literal(iso_text) -%}
    cast('{{ iso_text }}' as {{ type_timestamptz() }})
{%- endmacro %}

{#- A run's setting (as_of, window_start, window_end): the dbt var when given (`dbt build --vars '{as_of: ...}'`),
    else the environment variable TA_<NAME> (how Dagster, the CLI and the tests pass them), read only while executing.
    Read that way, a new window or reference time leaves the parsed project as it was, and dbt's partial parsing
    carries over from run to run; a changed --vars re-parses the whole project (README, "Orchestration"). -#}
{% macro run_var(name) -%}
    {%- set given = var(name, '') | string -%}
    {%- if given == '' and execute -%}
        {%- set given = env_var('TA_' ~ name | upper, '') -%}
    {%- endif -%}
    {{- return(given) -}}
{%- endmacro %}

{#-
    The reference time of "last 24h / 7d / 30d" metrics: the run setting `as_of` when set, else the moment this
    dbt invocation started (UTC). Snapshot marts store it in their `as_of_at` column.
-#}
{% macro as_of_iso() -%}
    {%- set configured = run_var('as_of') -%}
    {%- if configured -%}
        {{ return(configured) }}
    {%- endif -%}
    {{ return(run_started_iso()) }}
{%- endmacro %}

{% macro run_started_iso() -%}
    {{ return(run_started_at.strftime('%Y-%m-%dT%H:%M:%S.%f') ~ '+00:00') }}
{%- endmacro %}

{% macro as_of() -%}
    {{ timestamp_literal(as_of_iso()) }}
{%- endmacro %}

{#- ts lies in the trailing window [as_of - hours, as_of). -#}
{% macro in_trailing_window(ts, hours) -%}
    ({{ ts }} >= {{ dbt.dateadd('hour', -1 * hours, as_of()) }} and {{ ts }} < {{ as_of() }})
{%- endmacro %}

{#- The UTC hour a timestamp falls in, as a timestamp with time zone (spec 001: hour_start). -#}
{% macro utc_hour(ts) -%}
    {{ return(adapter.dispatch('utc_hour', 'tenant_analytics')(ts)) }}
{%- endmacro %}

{% macro default__utc_hour(ts) -%}
    date_trunc('hour', {{ ts }})
{%- endmacro %}

{% macro postgres__utc_hour(ts) -%}
    (date_trunc('hour', timezone('utc', {{ ts }})) at time zone 'utc')
{%- endmacro %}

{#- Midnight UTC of a date, as a timestamp with time zone. -#}
{% macro timestamp_literal_from_date(date_expression) -%}
    {{ return(adapter.dispatch('timestamp_from_date', 'tenant_analytics')(date_expression)) }}
{%- endmacro %}

{% macro default__timestamp_from_date(date_expression) -%}
    cast({{ date_expression }} as timestamp)
{%- endmacro %}

{% macro postgres__timestamp_from_date(date_expression) -%}
    (cast({{ date_expression }} as timestamp) at time zone 'utc')
{%- endmacro %}

{#- True when a timestamp is infinite (PostgreSQL accepts 'infinity' and '-infinity' in timestamp columns); false
    for null. Spark timestamps cannot be infinite: orchestration/spark.py copies PostgreSQL's ±infinity as
    9999-12-31 23:59:59.999999 and 0001-01-01 (what psycopg2 and most exports make of them), read here alike. -#}
{% macro is_infinite_time(ts) -%}
    {{ return(adapter.dispatch('is_infinite_time', 'tenant_analytics')(ts)) }}
{%- endmacro %}

{% macro default__is_infinite_time(ts) -%}
    coalesce({{ ts }} >= cast('9999-12-31 23:59:59' as timestamp) or {{ ts }} < cast('0001-01-02' as timestamp), false)
{%- endmacro %}

{% macro postgres__is_infinite_time(ts) -%}
    coalesce(not isfinite({{ ts }}), false)
{%- endmacro %}
