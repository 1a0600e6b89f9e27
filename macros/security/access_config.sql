{#-
    Reading the access configuration (README, "Security model").

    A model declares who may read it with dbt's own `grants` config (select: [role, ...]), and, when its
    rows belong to tenants or to users, `meta.row_security`:

        row_security:
          tenant_column: tenant_id          # rows belong to the tenant in this column; RLS is enabled
          scoped_roles: [analytics_tenant]  # optional; grantees that see only their own tenants' rows
                                            #   (default: var('tenant_scoped_roles'))
          windows:                          # optional; a grantee sees only recent rows
            analytics_reader: {column: metric_date, days: 30}

    or, for rows that belong to a user (spec 003: "all analytics are user-scoped"), `user_column: user_id`, whose
    scoped roles default to var('user_scoped_roles') and see only their own user's rows. Every other grantee sees
    every row. The macros below turn that into policies; no per-table SQL.
-#}

{%- macro access_grantees(node_config) -%}
    {#- The roles granted SELECT on a model, in declaration order, without duplicates. -#}
    {%- set grants = node_config.get('grants') or {} -%}
    {%- set grantees = [] -%}
    {%- for privilege, roles in grants.items() if privilege | lower == 'select' -%}
        {%- for role in ([roles] if roles is string else roles) if role not in grantees -%}
            {%- do grantees.append(role) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(grantees) }}
{%- endmacro -%}

{%- macro row_security_config(node_config) -%}
    {%- set meta = node_config.get('meta') or {} -%}
    {{ return(meta.get('row_security') or {}) }}
{%- endmacro -%}

{%- macro scoped_roles(node_config) -%}
    {%- set rs = row_security_config(node_config) -%}
    {%- set default = var('user_scoped_roles') if rs.get('user_column') else var('tenant_scoped_roles') -%}
    {{ return(rs.get('scoped_roles', default)) }}
{%- endmacro -%}

{#- The column a model's rows are scoped by (tenant_column or user_column), none when they are not. -#}
{%- macro scope_column(rs) -%}
    {{ return(rs.get('tenant_column') or rs.get('user_column')) }}
{%- endmacro -%}

{#-
    The configuration mistakes that would open a hole, caught before anything is built, with the model
    and the fix in the message:
      - a grant to a role the project does not declare (vars.analytics_roles);
      - a table granted to a tenant-scoped role without row_security.tenant_column (it would show every
        tenant's rows);
      - a model whose row_security.scoped_roles is empty, or leaves out a role of var('tenant_scoped_roles') that
        it grants to (that role would see every tenant's rows, or a view would not read as its caller);
      - row_security on a model that is neither a table-like model nor a view (nothing to attach policies to);
      - a window or scoped role naming a role that has no grant.
-#}
{%- macro validate_access_config() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set problems = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed') and node.config.enabled -%}
        {%- do problems.extend(access_config_problems(node.name, node.config, node.config.materialized)) -%}
    {%- endfor -%}
    {%- do raise_access_problems(problems) -%}
    {{ return(problems) }}
{%- endmacro -%}

{#- The problems of one relation's access configuration (a model's, or apply_access_config's). -#}
{%- macro access_config_problems(name, node_config, materialized) -%}
    {%- set declared = var('analytics_roles').keys() | list -%}
    {%- set problems = [] -%}
    {%- set grantees = access_grantees(node_config) -%}
    {%- set rs = row_security_config(node_config) -%}
    {%- set scoped = scoped_roles(node_config) -%}
    {%- for role in grantees if role not in declared -%}
        {%- do problems.append(name ~ ": grants select to '" ~ role ~ "', which is not declared in vars.analytics_roles") -%}
    {%- endfor -%}
    {%- if 'scoped_roles' in rs and not rs['scoped_roles'] -%}
        {%- do problems.append(name ~ ": row_security.scoped_roles is empty; leave it out (default: vars.tenant_scoped_roles) or name the roles that see only their own tenants' rows") -%}
    {%- endif -%}
    {%- if rs.get('tenant_column') and rs.get('user_column') -%}
        {%- do problems.append(name ~ ": row_security has both tenant_column and user_column; a model's rows are scoped by one") -%}
    {%- endif -%}
    {%- for role in grantees if role in var('tenant_scoped_roles') and role not in scoped -%}
        {%- do problems.append(name ~ ": grants select to tenant-scoped role '" ~ role ~ "' but row_security.scoped_roles leaves it out, so it would see every tenant's rows") -%}
    {%- endfor -%}
    {%- for role in grantees if role in var('user_scoped_roles') and role not in scoped -%}
        {%- if materialized != 'view' and not rs.get('user_column') -%}
            {%- do problems.append(name ~ ": grants select to user-scoped role '" ~ role ~ "' but has no meta.row_security.user_column, so it would see every user's rows") -%}
        {%- else -%}
            {%- do problems.append(name ~ ": grants select to user-scoped role '" ~ role ~ "' but row_security.scoped_roles leaves it out, so it would see every user's rows") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set scoped_grantees = grantees | select('in', scoped) | list -%}
    {%- if scoped_grantees and materialized != 'view' and not scope_column(rs) -%}
        {%- do problems.append(name ~ ": granted to scoped role(s) " ~ scoped_grantees | join(', ')
            ~ " but has no meta.row_security.tenant_column (or user_column), so every tenant's rows would be visible") -%}
    {%- endif -%}
    {%- for role in grantees if rs.get('user_column') and role in var('tenant_scoped_roles') -%}
        {%- do problems.append(name ~ ": grants select to tenant-scoped role '" ~ role ~ "' but its rows are scoped by user (row_security.user_column)") -%}
    {%- endfor -%}
    {%- for role in grantees if rs.get('tenant_column') and role in var('user_scoped_roles') -%}
        {%- do problems.append(name ~ ": grants select to user-scoped role '" ~ role ~ "' but its rows are scoped by tenant (row_security.tenant_column)") -%}
    {%- endfor -%}
    {%- for role in (rs.get('windows') or {}).keys() if role not in grantees -%}
        {%- do problems.append(name ~ ": row_security.windows names '" ~ role ~ "', which has no select grant") -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro -%}

{%- macro raise_access_problems(problems) -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("access configuration (README, 'Security model'):\n  - " ~ problems | join("\n  - ")) }}
    {%- endif -%}
{%- endmacro -%}

{%- macro role_list(roles) -%}
    {%- for role in roles -%}{{ adapter.quote(role) }}{{ ', ' if not loop.last }}{%- endfor -%}
{%- endmacro -%}

{#- Project hooks (on-run-start/-end) must run as the dbt role too, but dbt-postgres's `set role` at connect
    is rolled back before hooks run (dbt-labs/dbt-adapters#1889), so hooks set it again themselves. -#}
{%- macro hook_role() -%}
    {%- if target.type == 'postgres' and target.get('role') -%}
        set role {{ adapter.quote(target.role) }};
    {%- endif -%}
{%- endmacro -%}
