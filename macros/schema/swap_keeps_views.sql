{#-
    Readers never meet a missing relation (README, "Security model", zero downtime). dbt replaces a table or view
    by renaming the old one to <name>__dbt_backup, renaming the new one into place, and dropping the backup with
    CASCADE after the commit: the views over the old relation (the public views over the marts) went with it and
    answered "relation does not exist" until their own models ran again. This override of dbt's rename, inside
    the model's transaction:
      - before the old relation becomes the backup, locks the views over it (in the order readers lock them:
        view, then table, so no reader deadlocks with the swap); readers of those views wait, they do not fail;
      - after the new relation takes the name, re-points those views at it with CREATE OR REPLACE VIEW (same
        OID: grants, comments and security_invoker kept), so nothing depends on the backup when it is dropped.
    A view whose columns no longer fit the new relation is left to the old behaviour (dropped with the backup,
    re-created by its own model), with a warning.
-#}
{% macro postgres__rename_relation(from_relation, to_relation) -%}
    {%- set target_name = adapter.quote_as_configured(to_relation.identifier, 'identifier') -%}
    {%- set backup = make_backup_relation(from_relation, from_relation.type) -%}
    {%- set intermediate = make_intermediate_relation(to_relation) -%}
    {% call statement('rename_relation') -%}
        {%- if to_relation.identifier == backup.identifier %}
        {{ lock_dependent_views(from_relation) }};
        {%- endif %}
        {#- `if exists`: a view that did not fit a new table was dropped with that table's backup. #}
        alter table {% if to_relation.identifier == backup.identifier %}if exists {% endif %}{{ from_relation }} rename to {{ target_name }};
        {%- if from_relation.identifier == intermediate.identifier %}
        {{ repoint_dependent_views(make_backup_relation(to_relation, to_relation.type), to_relation) }};
        {%- endif %}
    {%- endcall %}
{%- endmacro %}

{#- The views whose query reads the relation of OID `referenced` directly (rewrite rules depending on it); `prefix`
    prefixes the from-list (a recursive CTE joins itself there). -#}
{% macro views_reading(referenced, prefix='') -%}
    select c.oid
    from {{ prefix }} pg_depend as d
    inner join pg_rewrite as r on r.oid = d.objid
    inner join pg_class as c on c.oid = r.ev_class
    where d.classid = 'pg_rewrite'::regclass
      and d.refobjid = {{ referenced }}
      and c.oid <> d.refobjid
      and c.relkind = 'v'
{%- endmacro %}

{#- The views that read `relation` directly. Only their OIDs: another thread of the same build may drop one of them
    meanwhile (a seed reloaded with CASCADE drops the staging views over it), so each is opened in its own
    exception block below, and one that vanished is skipped. -#}
{% macro dependent_views_query(relation) -%}
    {{ views_reading("to_regclass('" ~ relation ~ "')") }}
{%- endmacro %}

{% macro lock_dependent_views(relation) -%}
    do $ta$
    declare v record;
    begin
        {# A no-op option change takes the view's ACCESS EXCLUSIVE lock and nothing else (LOCK TABLE on a view
            would lock every relation under it, the raw tables of a staging view included). #}
        for v in {{ dependent_views_query(relation) }} loop
            begin
                execute format('alter view %s reset (check_option)', v.oid::regclass);
            exception when others then
                null;  -- not our view, or dropped meanwhile: dbt's own behaviour applies to it
            end;
        end loop;
    end
    $ta$
{%- endmacro %}

{% macro repoint_dependent_views(backup, target) -%}
    do $ta$
    declare v record; options text[]; definition text;
    begin
        for v in {{ dependent_views_query(backup) }} loop
            begin
                select c.reloptions, pg_get_viewdef(c.oid) into options, definition from pg_class as c where c.oid = v.oid;
                continue when definition is null;  -- dropped meanwhile
                execute format(
                    'create or replace view %s%s as %s',
                    v.oid::regclass,
                    case when options is null then '' else ' with (' || array_to_string(options, ', ') || ')' end,
                    replace(definition, '{{ backup.identifier }}', '{{ target.identifier }}')
                );
            exception when others then
                raise warning 'view % no longer fits {{ target }} (%); it is re-created by its own model', v.oid::regclass, sqlerrm;
            end;
        end loop;
    end
    $ta$
{%- endmacro %}

{#-
    dbt's relation cache links each view to the relation it reads, and dropping the backup drops those views from
    the cache too, though the rename above kept them in the database: a view model later in the same run would then
    try to create a view that exists. Run after the drop (a post-hook outside the transaction), this puts every view
    that reads the relation, directly or through other views, back into the cache. Renders as a no-op statement.
-#}
{% macro recache_dependent_views(relation) -%}
    {%- if execute and target.type == 'postgres' -%}
        {%- set query -%}
            with recursive views(oid) as (
                {{ views_reading("to_regclass('" ~ relation ~ "')") }}
                union
                {{ views_reading('v.oid', prefix='views as v,') }}
            )
            select n.nspname, c.relname from views as v
            inner join pg_class as c on c.oid = v.oid
            inner join pg_namespace as n on n.oid = c.relnamespace
        {%- endset -%}
        {%- for row in run_query(query).rows -%}
            {%- do adapter.cache_added(api.Relation.create(database=relation.database, schema=row[0],
                                                           identifier=row[1], type='view')) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
