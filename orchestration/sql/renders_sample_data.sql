-- Deterministic sample data for the renders domain (spec 003), generated inside the database like the other
-- domains: every random draw is a hash of (row number, draw number, seed). Users sign up every day (more of them
-- lately), a few render a lot and most little or nothing (a long tail of inactive accounts), one user in twenty
-- renders mostly through a plugin with API keys, and renders move from pending to completed or failed.
-- Parameters: {schema}, {seed}, {renders}, {days}, {anchor}, {growth} (Domain.growth).

create or replace function pg_temp.rnd(i bigint, draw integer) returns double precision
language sql immutable parallel safe as $$
    select (hashint8extended(i, {seed} * 1000 + draw) & 9007199254740991)::double precision / 9007199254740992
$$;

-- Users: one per 25 renders (at least 50), signed up over the period plus 60 days before it, more of them lately.
-- A quarter never render; the others are ranked by sign-up (render_rank 1: the first to sign up); one user in twenty
-- (n % 20 = 0) is a plugin user.
create temporary table sample_users on commit drop as
with users as (
    select
        n,
        'usr_' || substr(md5('user:{seed}:' || n), 1, 12) as user_id,
        {anchor}::timestamptz - make_interval(secs => ({days} + 60) * 86400.0 * power(pg_temp.rnd(n, 1), {growth}))
            as signup_at,
        n % 20 = 0 as is_plugin_user,
        pg_temp.rnd(n, 2) < 0.25 and n % 20 != 0 as never_renders
    from generate_series(1, greatest(50, {renders}::bigint / 25)) as n
)

select
    users.*,
    case when not never_renders then row_number() over (partition by never_renders order by signup_at, n) end
        as render_rank
from users;

-- Clients, as browsers and tools send them: desktop and mobile browsers, tablets, an Android WebView, a crawler
-- and a script (staging reduces each to browser family, OS family and device class; the raw strings never pass it).
create temporary table sample_agents (k int, agent text) on commit drop;
insert into sample_agents values
    (0, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'),
    (1, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'),
    (2, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'),
    (3, 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0'),
    (4, 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'),
    (5, 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'),
    (6, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68'),
    (7, 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'),
    (8, 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36'),
    (9, 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0'),
    (10, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0'),
    (11, 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'),
    (12, 'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36'),
    (13, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'),
    (14, 'python-requests/2.32.3'),
    (15, 'Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/126.3.1 like Chrome/126.0.6478.71 Safari/537.36');

create temporary table sample_renders on commit drop as
with draws as (
    select
        i,
        pg_temp.rnd(i, 11) as r_user, pg_temp.rnd(i, 12) as r_time, pg_temp.rnd(i, 13) as r_type,
        pg_temp.rnd(i, 14) as r_quality, pg_temp.rnd(i, 15) as r_platform, pg_temp.rnd(i, 16) as r_outcome,
        pg_temp.rnd(i, 17) as r_duration, pg_temp.rnd(i, 18) as r_source, pg_temp.rnd(i, 19) as r_mess
    from generate_series(1, {renders}::bigint) as i
),

-- A render's time follows the other domains' law (more lately: the share of the last s of {days} days is
-- (s / days) ^ (1 / growth), so a longer history with rows_for_history's rows has the same recent days: make bench's
-- history doubling); its user is one of those signed up by then (a power law of their rank: the earliest users the
-- busiest). Users signed up before an age a are the first (1 - (a / (days + 60)) ^ (1 / growth)) of the ranks, by the
-- sign-up law above; the rare render that still precedes its user's sign-up moves to it.
timed as (
    select
        d.*,
        {anchor}::timestamptz - make_interval(secs => {days} * 86400.0 * power(d.r_time, {growth})) as t_drawn,
        greatest(1, floor((select count(render_rank) from sample_users)
                          * (1 - power({days} * power(d.r_time, {growth}) / ({days} + 60), 1.0 / {growth}))))
            as signed_up_by_then
    from draws as d
),

placed as (
    select
        d.*,
        u.user_id,
        u.is_plugin_user,
        greatest(d.t_drawn, u.signup_at) as t
    from timed as d
    inner join sample_users as u
        on u.render_rank = 1 + floor(d.signed_up_by_then * power(d.r_user, 3.0))::bigint
),

shaped as (
    select
        p.*,
        case when p.r_type < 0.8 then 'image' else 'video' end as render_type,
        case when p.r_quality < 0.6 then 'standard' when p.r_quality < 0.9 then 'high' else 'ultra' end
            as render_quality,
        case when p.r_platform < 0.55 then 'render' when p.r_platform < 0.8 then 'tools' else 'canvas' end
            as render_platform,
        case
            when p.is_plugin_user and p.r_source < 0.8
                then (array['figma-plugin', 'photoshop-plugin', 'blender-plugin'])[1 + (p.i % 3)::int]
            when p.r_source < 0.03 then 'api'
            else 'web'
        end as source_platform,
        -- The newest renders are still on their way (pending or processing); the rest end completed (92 %) or failed.
        case
            when p.t > {anchor}::timestamptz - interval '10 minutes' and p.r_outcome < 0.5 then 'pending'
            when p.t > {anchor}::timestamptz - interval '10 minutes' then 'processing'
            when p.r_outcome < 0.92 then 'completed'
            else 'failed'
        end as render_status
    from placed as p
)

select
    s.*,
    (case s.render_quality when 'standard' then 1 when 'high' then 2 else 4 end)
        * (case s.render_type when 'video' then 5 else 1 end) as cost,
    case when s.render_status in ('completed', 'failed')
        then floor((case s.render_type when 'video' then 40 else 4 end) * (1 + 9 * power(s.r_duration, 2)))::int
    end as seconds,
    a.agent
from shaped as s
inner join sample_agents as a on a.k = (s.i % 16)::int;

insert into {schema}.renders (id, user_id, type, status, quality, platform, metadata, credits_cost, processing_time,
                              created_at, updated_at)
select
    md5('render:{seed}:' || i)::uuid,
    case when r_mess < 0.002 then null                                                         -- no user
         when r_mess between 0.019 and 0.020 then user_id || '@example.com'                     -- an email as the id
         else user_id end,
    case when r_mess between 0.002 and 0.004 then upper(render_type)                        -- IMAGE
         when r_mess between 0.0200 and 0.0205 then 'gif'                                   -- unknown type
         else render_type end,
    case when r_mess between 0.004 and 0.006 then initcap(render_status) || ' '              -- 'Completed '
         when r_mess between 0.006 and 0.007 then 'queued'                                   -- unknown status
         else render_status end,
    case when r_mess between 0.007 and 0.009 then '4k'                                      -- unknown quality
         when r_mess between 0.009 and 0.010 then null
         else render_quality end,
    case when r_mess between 0.010 and 0.012 then 'mobile'                                  -- unknown platform
         else render_platform end,
    case when r_mess between 0.012 and 0.014 then to_jsonb(source_platform)                 -- not an object
         when r_mess between 0.014 and 0.016 then '{{}}'::jsonb                                -- no keys
         when r_mess between 0.016 and 0.017 then null
         when source_platform = 'web' then jsonb_build_object('sourcePlatform', 'web', 'userAgent', agent)
         else jsonb_build_object('sourcePlatform', source_platform, 'pluginVersion', '1.' || (i % 7) || '.' || (i % 3),
                                 'userAgent', source_platform || '/1.' || (i % 7) || ' (user ' || user_id || '@example.com)')
    end,
    case when r_mess between 0.0205 and 0.0210 then null                                    -- no cost
         when r_mess between 0.0210 and 0.0215 then -cost                                   -- a negative cost
         else cost end,
    case when r_mess between 0.017 and 0.019 and seconds is not null then -seconds           -- negative time
         else seconds end,
    t,
    t + make_interval(secs => coalesce(seconds, 0) + 2)
from sample_renders;

-- Rows nothing can place: renders without an id or a creation time.
insert into {schema}.renders (id, user_id, type, status, quality, platform, metadata, credits_cost, processing_time,
                              created_at, updated_at)
select case when k = 1 then null else md5('render:{seed}:unplaced:' || k)::uuid end,
       (select user_id from sample_users where n = 1), 'image', 'completed', 'standard', 'render',
       '{{"sourcePlatform": "web"}}'::jsonb, 1, 5,
       case when k = 1 then {anchor}::timestamptz - interval '1 day' end, {anchor}::timestamptz - interval '1 day'
from generate_series(1, 3) as k;

-- Re-delivered renders: the same row (id and updated_at) landing twice.
insert into {schema}.renders
select * from {schema}.renders where pg_temp.rnd(hashtext(id::text), 20) < 0.002;

-- Credits: every render's cost as a debit at creation, a refund for each failed render, a sign-up bonus, monthly
-- subscription credits for one user in four, and purchases for one in three.
insert into {schema}.credit_transactions (id, user_id, type, amount, reference_type, reference_id, created_at)
select md5('credit:{seed}:render:' || i)::uuid,
       case when r_mess between 0.019 and 0.020 then user_id || '@example.com' else user_id end,   -- as the render
       case when r_mess between 0.020 and 0.022 then 'DEBIT'
            when r_mess between 0.028 and 0.029 then 'charge'                                   -- unknown type
            else 'debit' end,
       case when r_mess between 0.022 and 0.025 then cost                                    -- a debit with a + sign
            when r_mess between 0.025 and 0.026 then null
            else -cost end,
       'render', md5('render:{seed}:' || i)::uuid::text, t
from sample_renders
union all
select md5('credit:{seed}:refund:' || i)::uuid, user_id, 'credit', cost,
       case when i % 50 = 0 then 'promo' else 'refund' end,                                 -- unknown reference
       md5('render:{seed}:' || i)::uuid::text, t + make_interval(secs => coalesce(seconds, 0) + 5)
from sample_renders
where render_status = 'failed'
union all
select md5('credit:{seed}:bonus:' || n)::uuid, user_id, 'credit', 10, 'bonus', 'signup', signup_at + interval '1 second'
from sample_users
union all
select md5('credit:{seed}:subscription:' || n || ':' || m)::uuid, user_id, 'credit', 200, 'subscription',
       'sub_' || n || '_' || m, signup_at + make_interval(months => m)
from sample_users
cross join generate_series(0, ({days} + 60) / 30) as m
where n % 4 = 0 and signup_at + make_interval(months => m) < {anchor}::timestamptz
union all
select md5('credit:{seed}:purchase:' || n || ':' || k)::uuid, user_id, 'credit', (array[100, 500, 1000])[1 + k % 3],
       'purchase', 'pay_' || n || '_' || k,
       signup_at + ({anchor}::timestamptz - signup_at) * pg_temp.rnd(n * 10 + k, 21)
from sample_users
cross join generate_series(1, 3) as k
where n % 3 = 0 and pg_temp.rnd(n * 10 + k, 22) < 0.5;

-- Re-delivered transactions: the same row landing twice.
insert into {schema}.credit_transactions
select * from {schema}.credit_transactions where pg_temp.rnd(hashtext(id::text), 23) < 0.002;

-- Transactions nothing can place: without an id, a user or a time.
insert into {schema}.credit_transactions (id, user_id, type, amount, reference_type, reference_id, created_at)
select case when k = 1 then null else md5('credit:{seed}:unplaced:' || k)::uuid end,
       case when k = 2 then null else (select user_id from sample_users where n = 1) end, 'credit', 5, 'bonus',
       'unplaced', case when k = 3 then null else {anchor}::timestamptz - interval '2 days' end
from generate_series(1, 3) as k;

-- Account activity: a sign-up per user, a login before one render in three (and a logout after half of those), a
-- render event per render, a credit_purchase per purchase. IPs and user agents are the client's (a few events have
-- none).
insert into {schema}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
select md5('activity:{seed}:signup:' || n)::uuid, user_id,
       case when n % 97 = 0 then 'Signup' else 'signup' end,                                  -- cased
       '10.' || (n % 250) || '.' || (n / 250 % 250) || '.' || (n % 200),
       (select agent from sample_agents where k = n % 16), signup_at
from sample_users
union all
select md5('activity:{seed}:' || kind || ':' || i)::uuid,
       case when r_mess between 0.030 and 0.031 then null
            when r_mess between 0.019 and 0.020 then user_id || '@example.com'                  -- as the render
            else user_id end,
       case when kind = 'login' and r_mess between 0.031 and 0.033 then 'password_reset'       -- unknown event
            else kind end,
       case when i % 5 = 0 then '2001:db8:' || to_hex((i % 65536)::int) || '::' || to_hex((i % 4096)::int)
            when r_mess between 0.033 and 0.034 then 'unknown'
            else (10 + i % 200) || '.' || (i % 256) || '.' || (i / 256 % 256) || '.' || (i / 65536 % 256) end,
       case when r_mess between 0.034 and 0.035 then null else agent end,
       case kind when 'login' then t - make_interval(secs => 60 + i % 600)
                 when 'logout' then least(t + interval '1 hour', {anchor}::timestamptz)
                 else t end
from sample_renders
cross join (values ('login'), ('logout'), ('render')) as kinds (kind)
where kind = 'render' or (kind = 'login' and i % 3 = 0) or (kind = 'logout' and i % 6 = 0)
union all
select md5('activity:{seed}:purchase:' || id)::uuid, user_id, 'credit_purchase', '10.9.9.' || (abs(hashtext(id::text)) % 250),
       (select agent from sample_agents where k = abs(hashtext(id::text)) % 16), created_at
from {schema}.credit_transactions
where reference_type = 'purchase';

-- Re-delivered account events (the same row again), and events nothing can place: without an id or a time.
insert into {schema}.account_activity
select * from {schema}.account_activity where pg_temp.rnd(hashtext(id::text), 24) < 0.002;

insert into {schema}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
select case when j = 1 then null else md5('activity:{seed}:unplaced:' || j)::uuid end,
       (select user_id from sample_users where n = 1), 'login', '10.1.1.1',
       (select agent from sample_agents where k = 0),
       case when j = 2 then null else {anchor}::timestamptz - interval '3 days' end
from generate_series(1, 2) as j;

-- Plugin API keys: each plugin user has one to three, created after sign-up; the last used time is the user's
-- newest plugin render; one key in five is revoked. Messy: a revoked key still marked active, a use before creation.
insert into {schema}.plugin_api_keys (id, user_id, name, is_active, last_used_at, created_at, revoked_at)
with last_plugin_render as (
    select user_id, max(t) as last_at
    from sample_renders
    where source_platform like '%-plugin'
    group by user_id
)

select md5('key:{seed}:' || u.n || ':' || k)::uuid, u.user_id, 'key ' || k,
       not (pg_temp.rnd(u.n * 10 + k, 31) < 0.2) or u.n % 200 = 0,
       case when u.n % 300 = 0 then u.signup_at - interval '1 day' else r.last_at end,
       u.signup_at + interval '1 hour',
       case when pg_temp.rnd(u.n * 10 + k, 31) < 0.2
           then u.signup_at + ({anchor}::timestamptz - u.signup_at) * pg_temp.rnd(u.n * 10 + k, 32) end
from sample_users as u
left join last_plugin_render as r on u.user_id = r.user_id
cross join generate_series(1, 3) as k
where u.is_plugin_user and k <= 1 + u.n % 3;

-- Keys nothing can place (without an id, without an owner), one whose owner id is an email, one revoked but still
-- marked active, and a key row delivered twice.
insert into {schema}.plugin_api_keys (id, user_id, name, is_active, last_used_at, created_at, revoked_at)
select case when j = 1 then null else md5('key:{seed}:odd:' || j)::uuid end,
       case when j = 2 then null when j = 3 then user_id || '@example.com' else user_id end,
       'odd key ' || j, true, {anchor}::timestamptz - interval '1 day', signup_at + interval '2 hours',
       case when j = 4 then {anchor}::timestamptz - interval '12 hours' end
from sample_users
cross join generate_series(1, 4) as j
where n = 20;

insert into {schema}.plugin_api_keys
select * from {schema}.plugin_api_keys where id is not null order by id limit 1;
