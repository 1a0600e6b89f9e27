{#- True unless the domain is switched off: --vars '{<domain>_enabled: false}' or $TA_<DOMAIN>_ENABLED=false. The same
    expression sits in dbt_project.yml (which cannot call macros) for sources, models, seeds and tests; this one is for
    nodes configured in their own file (the analyses). -#}
{% macro domain_enabled(domain) -%}
    {{ return((var(domain ~ '_enabled', env_var('TA_' ~ domain | upper ~ '_ENABLED', 'true')) | string | lower) == 'true') }}
{%- endmacro %}
