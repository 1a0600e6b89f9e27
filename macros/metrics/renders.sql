{#- ===== Renders, credits and account activity (spec 003): how a raw row is read. Each rule is written here once. ===== -#}

{#- The values spec 003 names ("Telemetry Data Collected"). Anything else, after trimming and lower-casing, is
    'unknown' (counted in renders_data_quality). -#}
{% macro render_types() -%}
    {{ return(['image', 'video']) }}
{%- endmacro %}

{% macro render_statuses() -%}
    {{ return(['pending', 'processing', 'completed', 'failed']) }}
{%- endmacro %}

{% macro render_qualities() -%}
    {{ return(['standard', 'high', 'ultra']) }}
{%- endmacro %}

{% macro render_platforms() -%}
    {{ return(['render', 'tools', 'canvas']) }}
{%- endmacro %}

{#- Where a render came from, from metadata.sourcePlatform (trimmed, lower-cased): 'web', 'api', '<name>-plugin', ...;
    null when the metadata is not an object or says nothing. -#}
{% macro render_source_platform(metadata) -%}
    nullif(lower(trim({{ json_text_at(metadata, "'sourcePlatform'") }})), '')
{%- endmacro %}

{#- Spec 003 infers API calls from renders ("Real-time API call tracking: currently inferred from renders"): a render
    whose sourcePlatform names a plugin or the API is one API call. -#}
{% macro is_api_call(source_platform) -%}
    coalesce({{ source_platform }} = 'api' or {{ is_plugin_source(source_platform) }}, false)
{%- endmacro %}

{#- A sourcePlatform that names a plugin ('figma-plugin', ...). -#}
{% macro is_plugin_source(source_platform) -%}
    {{ source_platform }} like '%plugin%'
{%- endmacro %}

{#- The platform of spec 003's "By Platform" chart (Web App, Tools, Canvas, Plugins): 'plugin' for a render made
    through a plugin (metadata.sourcePlatform), else the render's platform (render = the web app, tools, canvas,
    unknown). -#}
{% macro render_platform_group(platform, source_platform) -%}
    case when coalesce({{ is_plugin_source(source_platform) }}, false) then 'plugin' else {{ platform }} end
{%- endmacro %}

{#- Credit transactions (spec 003 "Credit Transactions Table"): a direction and a reference type. -#}

{#- Credits of one direction ('debit': spent, 'credit': earned) summed over rows of credit_stats_daily (`alias`:
    their table alias, if any). -#}
{% macro sum_credits(direction, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    sum(case when {{ prefix }}direction = '{{ direction }}' then {{ prefix }}credits else 0 end)
{%- endmacro %}

{% macro credit_directions() -%}
    {{ return(['debit', 'credit']) }}
{%- endmacro %}

{% macro credit_reference_types() -%}
    {{ return(['render', 'refund', 'purchase', 'subscription', 'bonus']) }}
{%- endmacro %}

{#- Whether a transaction spends (debit) or earns (credit) credits: its type, trimmed and lower-cased; a type that is
    neither is read from the amount's sign (negative: debit); null when neither tells. The amount's sign never
    overrides a known type (a debit stored with a positive amount still spends: counted in renders_data_quality). -#}
{% macro credit_direction(raw_type, amount) -%}
    case
        when lower(trim({{ raw_type }})) in {{ sql_list(credit_directions()) }} then lower(trim({{ raw_type }}))
        when {{ amount }} < 0 then 'debit'
        when {{ amount }} > 0 then 'credit'
    end
{%- endmacro %}

{#- spec 003's account activity event types (account_activity.event_type). -#}
{% macro account_event_types() -%}
    {{ return(['signup', 'login', 'render', 'credit_purchase', 'logout']) }}
{%- endmacro %}

{#- The credits a user may spend in a UTC day before credit_spend_alerts records it (dbt_project.yml, vars). -#}
{% macro credits_daily_alert_threshold() -%}
    {{ return(var('credits_daily_alert_threshold', env_var('TA_CREDITS_DAILY_ALERT_THRESHOLD', '500')) | int) }}
{%- endmacro %}
