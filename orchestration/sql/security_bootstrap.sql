-- One-time, privileged set-up of the role dbt builds as (README, "Security model"). Run by a superuser or
-- the database owner: `python -m orchestration.cli warehouse bootstrap` does it, or run this by hand with
-- the placeholders filled in. Idempotent. Everything else (group roles, policies, grants) the dbt build
-- creates itself, as this role.
do $ta$
begin
    if not exists (select from pg_roles where rolname = 'analytics_owner') then
        -- NOLOGIN: people and tools log in as themselves and are granted this role (dbt's profile sets
        -- `role: analytics_owner`). CREATEROLE: the build creates the group roles it grants to.
        create role analytics_owner nologin createrole;
    end if;
end
$ta$;
comment on role analytics_owner is
    'Owns and builds every analytics schema and object (dbt runs as this role). Not for reading dashboards.';
grant connect, create, temporary on database {database} to analytics_owner;
-- The public views carry the spec's names in the `public` schema.
grant usage, create on schema public to analytics_owner;
