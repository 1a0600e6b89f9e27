-- Deterministic sample data for the product events domain (spec 002), generated inside the database like the
-- other domains: every random draw is a hash of (row number, draw number, seed). Tenants are the try-on tenants of
-- the same seed (md5('tenant:<seed>:<n>')), so one tenant uses every product.
-- Parameters: {schema}, {seed}, {tenants}, {events}, {days}, {anchor}, {growth} (Domain.growth).

create or replace function pg_temp.rnd(i bigint, draw integer) returns double precision
language sql immutable parallel safe as $$
    select (hashint8extended(i, {seed} * 1000 + draw) & 9007199254740991)::double precision / 9007199254740992
$$;

insert into {schema}.tenants (id, slug, created_at)
select md5('tenant:{seed}:' || n)::uuid, 'tenant-' || lpad(n::text, 4, '0'),
       {anchor}::timestamptz - make_interval(days => {days} + 30)
from generate_series(1, {tenants}) as n;

-- The event catalogue: each event's share of the traffic and its source (spec 002, "Automatic Events", plus
-- custom domain.action events of the "Manual Event Tracking" kind).
create temporary table sample_catalogue (k int, event text, source text, share double precision) on commit drop;
insert into sample_catalogue values
    (1, 'apikey.request', 'api', 0.38),
    (2, 'auth.user.login', 'app', 0.12),
    (3, 'webhook.delivered', 'webhook', 0.10),
    (4, 'email.sent', 'job', 0.08),
    (5, 'builder.generate.started', 'builder', 0.06),
    (6, 'builder.generate.completed', 'builder', 0.05),
    (7, 'files.uploaded', 'files', 0.05),
    (8, 'agent.task.completed', 'agent', 0.04),        -- custom
    (9, 'business.order.completed', 'app', 0.03),      -- custom (the spec's integration example)
    (10, 'auth.user.registered', 'app', 0.02),
    (11, 'apikey.rate_limited', 'api', 0.015),
    (12, 'webhook.failed', 'webhook', 0.01),
    (13, 'email.failed', 'job', 0.005),
    (14, 'payments.checkout.created', 'payments', 0.005),
    (15, 'payments.subscription.active', 'payments', 0.003),
    (16, 'payments.subscription.canceled', 'payments', 0.002);

create temporary table sample_catalogue_bounds on commit drop as
select k, event, source,
       sum(share) over (order by k) / sum(share) over () - share / sum(share) over () as lower_bound,
       sum(share) over (order by k) / sum(share) over () as upper_bound
from sample_catalogue;

insert into {schema}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
with draws as (
    select
        i,
        pg_temp.rnd(i, 71) as r_tenant, pg_temp.rnd(i, 72) as r_time, pg_temp.rnd(i, 73) as r_event,
        pg_temp.rnd(i, 74) as r_user, pg_temp.rnd(i, 75) as r_mess, pg_temp.rnd(i, 76) as r_props,
        pg_temp.rnd(i, 77) as r_ip, pg_temp.rnd(i, 78) as r_burst
    from generate_series(1, {events}::bigint) as i
),

shaped as (
    select
        d.*,
        -- A few busy tenants, a long tail of quiet ones; the last three tenants send almost nothing (see below).
        1 + floor(({tenants} - 3) * power(r_tenant, 2.2))::bigint as tenant_n,
        {anchor}::timestamptz - make_interval(secs => {days} * 86400.0 * power(r_time, {growth})) as t
    from draws as d
),

typed as (
    select
        s.*,
        c.event as event_name,
        c.source as source_name
    from shaped as s
    join sample_catalogue_bounds as c on s.r_event >= c.lower_bound and s.r_event < c.upper_bound
),

placed as (
    select
        t.*,
        -- Users: tenant n has 3 + n % 40 of them, a few much more active than the rest.
        'user_' || t.tenant_n || '_' || (1 + floor((3 + t.tenant_n % 40) * power(t.r_user, 1.8)))::int as user_name,
        case t.event_name
            when 'files.uploaded' then jsonb_build_object(
                'file_id', md5('file:' || t.i), 'size_bytes', floor(1024 * power(2, 18 * t.r_props))::bigint,
                'content_type', (array['image/png', 'image/jpeg', 'application/pdf', 'video/mp4'])[1 + (t.i % 4)::int])
            when 'business.order.completed' then jsonb_build_object(
                'order_id', 'ord_' || t.i, 'amount', round((5 + 495 * t.r_props)::numeric, 2), 'items_count', 1 + t.i % 6)
            when 'apikey.request' then jsonb_build_object('endpoint', (array['/v1/tryon', '/v1/render', '/v1/models'])[1 + (t.i % 3)::int],
                                                          'status', (array[200, 200, 200, 201, 400, 429, 500])[1 + (t.i % 7)::int])
            when 'builder.generate.completed' then jsonb_build_object('duration_ms', floor(2000 + 60000 * t.r_props)::int)
            when 'auth.user.login' then jsonb_build_object('method', (array['password', 'google', 'sso'])[1 + (t.i % 3)::int])
            when 'email.sent' then jsonb_build_object('template', (array['welcome', 'receipt', 'digest'])[1 + (t.i % 3)::int])
            else '{{}}'::jsonb
        end as event_props
    from typed as t
)

select
    md5('event:{seed}:' || i)::uuid,
    case when r_mess < 0.002 then null else md5('tenant:{seed}:' || tenant_n)::uuid end,   -- no tenant
    case when source_name in ('job', 'webhook') and r_user < 0.5 then null                  -- system events
         when r_mess between 0.002 and 0.004 then null                                       -- no user
         when r_mess between 0.0124 and 0.0128 then user_name || '@example.com'             -- an email as the id
         else user_name end,
    case when r_mess between 0.004 and 0.005 then 'mobile'                                   -- unknown source
         when r_mess between 0.005 and 0.006 then upper(source_name) || ' '                 -- cased, padded
         when r_mess between 0.006 and 0.0065 then null
         else source_name end,
    case when r_mess between 0.0065 and 0.0075 then initcap(event_name)                      -- Auth.User.Login
         when r_mess between 0.0075 and 0.008 then ' ' || event_name || ' '                  -- padded
         when r_mess between 0.008 and 0.0085 then replace(event_name, '.', ' . ')           -- spaces in the name
         when r_mess between 0.0085 and 0.0088 then 'clicked'                                -- not domain.action
         else event_name end,
    case when r_mess between 0.0088 and 0.0093 then {anchor}::timestamptz + make_interval(secs => 86400 * 30 * r_time)
         when r_mess between 0.0093 and 0.0094 then '2999-01-01 00:00:00+00'               -- far future
         when r_mess between 0.0094 and 0.0095 then '1970-01-01 00:00:00+00'               -- a clock reset
         else t end,
    case when r_mess between 0.0095 and 0.0100 then to_jsonb('plain text'::text)           -- not an object
         when r_mess between 0.0100 and 0.0103 then '[1, 2, 3]'::jsonb
         when r_mess between 0.0103 and 0.0106 then 'null'::jsonb
         when r_mess between 0.0106 and 0.0112 then event_props || jsonb_build_object('email', 'user' || i || '@example.com')
         when r_mess between 0.0112 and 0.0116 then event_props || jsonb_build_object('phone', '+1 415 555 ' || lpad((i % 10000)::text, 4, '0'))
         when r_mess between 0.0116 and 0.0120 then event_props || jsonb_build_object('note', 'call alice@example.com back')
         when r_mess between 0.0120 and 0.0124 then null
         else event_props end,
    case when r_ip < 0.60 then (10 + floor(200 * r_tenant))::int || '.' || (i % 256) || '.' || ((i / 256) % 256) || '.' || ((i / 65536) % 256)
         when r_ip < 0.80 then '2001:db8:' || to_hex((i % 65536)::int) || ':' || to_hex(((i / 7) % 65536)::int) || '::' || to_hex((i % 4096)::int)
         when r_ip < 0.81 then 'unknown'                                                     -- not an address
         when r_ip < 0.815 then '999.1.2.3'
         else null end,
    case when source_name in ('job', 'webhook') and r_props < 0.3 then null
         else 'req_' || substr(md5('request:' || i), 1, 16) end
from placed
order by 6;

-- Quiet tenants: the last three send a handful of logins, one of them none at all.
insert into {schema}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
select md5('event:{seed}:quiet:' || n || ':' || k)::uuid, md5('tenant:{seed}:' || n)::uuid, 'user_' || n || '_1', 'app',
       'auth.user.login', {anchor}::timestamptz - make_interval(days => (k * 7) % {days}, hours => 3), '{{}}'::jsonb,
       '10.0.0.' || k, 'req_quiet_' || n || '_' || k
from generate_series({tenants} - 2, {tenants} - 1) as n
cross join generate_series(1, 3) as k;

-- A build burst: the busiest tenant starts and completes 250 builds in one day, five days ago (above the spec's
-- default builds_daily quota of 200).
insert into {schema}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
select md5('event:{seed}:burst:' || step || ':' || k)::uuid, md5('tenant:{seed}:1')::uuid, 'user_1_' || (1 + k % 5),
       'builder', 'builder.generate.' || step,
       date_trunc('day', {anchor}::timestamptz) - interval '5 days' + make_interval(secs => k * 300)
           + case when step = 'completed' then interval '90 seconds' else interval '0 seconds' end,
       case when step = 'completed' then jsonb_build_object('duration_ms', 90000) else '{{}}'::jsonb end,
       '10.1.1.' || (k % 256), 'req_burst_' || k
from generate_series(1, 250) as k
cross join (values ('started'), ('completed')) as steps (step)
where {days} > 6;

-- Re-delivered events: the same event (same id) landing again, as an at-least-once pipeline delivers it.
insert into {schema}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
select id, tenant_id, user_id, source, event, ts, props, ip, request_id
from {schema}.analytics_events
where pg_temp.rnd(hashtext(id::text), 79) < 0.002;
