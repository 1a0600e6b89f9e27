-- Side channels of a shared PostgreSQL closed for everyone but the roles that need them (README, "Security
-- model"). Run by a superuser in the analytics database; idempotent. `warehouse start` applies it to the
-- embedded warehouse (and the tests and the benchmark to theirs). On an application database shared with other
-- software, read it first: it takes from PUBLIC what PostgreSQL gives every role by default.

-- Only roles the build grants CONNECT to may connect (analytics_owner hands it to the group roles it
-- creates), and nobody else creates temporary tables or functions.
revoke connect, temporary on database {database} from public;
grant connect on database {database} to analytics_owner with grant option;

do $ta$
declare
    f regprocedure;
    v regclass;
begin
    -- Large objects are writes: lo_from_bytea, lo_create, lo_import, lowrite ... are PUBLIC by default.
    -- Statistics functions count every tenant's rows and show every session (pg_stat_get_live_tuples,
    -- pg_stat_get_activity ...); size functions tell how large each table is; lock functions show who is busy.
    for f in
        select p.oid::regprocedure from pg_proc p
        where p.pronamespace = 'pg_catalog'::regnamespace
          and (p.proname like 'lo\_%' or p.proname in ('loread', 'lowrite')
               or p.proname like 'pg\_stat\_get\_%' or p.proname like 'pg\_stat\_have\_%'
               or p.proname in ('pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size',
                                'pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids'))
    loop
        execute format('revoke execute on function %s from public', f);
    end loop;
    -- The views over them (pg_stat_activity, pg_stat_user_tables, pg_stat_xact_*, pg_statio_*, pg_locks), and the
    -- lists of other logins (pg_roles, pg_user, pg_auth_members). pg_stats stays: PostgreSQL already hides a
    -- table's statistics from readers who may not read all of it.
    for v in
        select c.oid::regclass from pg_class c
        where c.relnamespace = 'pg_catalog'::regnamespace
          and (c.relname like 'pg\_stat\_%' or c.relname like 'pg\_statio\_%'
               or c.relname in ('pg_locks', 'pg_roles', 'pg_user', 'pg_auth_members', 'pg_group'))
    loop
        execute format('revoke select on %s from public', v);
    end loop;
end
$ta$;
-- The build reads the role list (to create its group roles idempotently).
grant select on pg_catalog.pg_roles to analytics_owner;
