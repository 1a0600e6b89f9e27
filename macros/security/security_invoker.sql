{#-
    Views evaluate permissions and row-level security as the querying role (spec 000, "Security Model").
    PostgreSQL only; other engines have no such option and skip it.
-#}
{% macro set_security_invoker(relation) -%}
    {{ return(adapter.dispatch('set_security_invoker', 'tenant_analytics')(relation)) }}
{%- endmacro %}

{% macro default__set_security_invoker(relation) -%}
    select 1
{%- endmacro %}

{% macro postgres__set_security_invoker(relation) -%}
    {%- if relation.type == 'view' or model.config.materialized == 'view' -%}
        alter view {{ relation }} set (security_invoker = true)
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A function the model's post-hook created is executable by exactly the roles that may read the model: not by
    PUBLIC (PostgreSQL's default), by each grantee of its `grants`. -#}
{% macro grant_function_to_readers(signature) -%}
    revoke all on function {{ signature }} from public;
    {%- for role in access_grantees(model.config) %}
    grant execute on function {{ signature }} to {{ adapter.quote(role) }};
    {%- endfor %}
{%- endmacro %}
