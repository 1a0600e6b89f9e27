-- Deterministic sample data for the try-on domain, generated inside the database (set-based, so
-- 10 million jobs take minutes, not hours). Every random draw is a hash of (row number, draw number,
-- seed): the same parameters always give the same rows, in any plan, serial or parallel.
-- Parameters (filled in by orchestration/sample_data.py): {schema}, {seed}, {tenants}, {jobs}, {days},
-- {anchor} (a timestamptz literal: the newest regular job is created just before it), {growth} (Domain.growth:
-- how much denser recent days are).

create or replace function pg_temp.rnd(i bigint, draw integer) returns double precision
language sql immutable parallel safe as $$
    select (hashint8extended(i, {seed} * 1000 + draw) & 9007199254740991)::double precision / 9007199254740992
$$;

create or replace function pg_temp.tenant_uuid(n bigint) returns uuid
language sql immutable parallel safe as $$ select md5('tenant:{seed}:' || n)::uuid $$;

-- Tenants: the last five have no jobs at all. One is listed twice (a re-synced row with a
-- differently cased domain), to exercise staging's de-duplication.
insert into {schema}.tenants (id, shop_domain, created_at)
select
    pg_temp.tenant_uuid(n),
    case when n % 17 = 0 then upper('Shop-' || lpad(n::text, 4, '0') || '.MyShopify.com')
         else 'shop-' || lpad(n::text, 4, '0') || '.myshopify.com' end,
    {anchor}::timestamptz - make_interval(days => {days} + 30) + make_interval(hours => n::int)
from generate_series(1, {tenants}) as n;

insert into {schema}.tenants (id, shop_domain, created_at)
select pg_temp.tenant_uuid(1), 'SHOP-0001.myshopify.com ', {anchor}::timestamptz - make_interval(days => {days} + 29);

-- Jobs.
insert into {schema}.tryon_jobs
    (id, tenant_id, status, model, created_at, updated_at, failure_reason_normalized, credits_charged)
with draws as (
    select
        i,
        pg_temp.rnd(i, 1) as r_tenant,
        pg_temp.rnd(i, 2) as r_time,
        pg_temp.rnd(i, 3) as r_model,
        pg_temp.rnd(i, 4) as r_status,
        pg_temp.rnd(i, 5) as r_life,
        pg_temp.rnd(i, 6) as r_reason,
        pg_temp.rnd(i, 7) as r_mess,
        pg_temp.rnd(i, 8) as r_tail
    from generate_series(1, {jobs}::bigint) as i
),

shaped as (
    select
        i, r_status, r_life, r_reason, r_mess, r_tail,
        -- Tenant sizes are skewed: a few big shops, a long tail of small ones.
        1 + floor(({tenants} - 5) * power(r_tenant, 2.2))::bigint as tenant_no,
        -- Traffic grows over the period: recent days get more jobs.
        {anchor}::timestamptz
            - make_interval(secs => {days} * 86400.0 * power(r_time, {growth}))
            - interval '1 second' as created_at,
        case
            when r_model < 0.38 then 'kling-v1'
            when r_model < 0.60 then 'kling-v1.5'
            when r_model < 0.78 then 'idm-vton'
            when r_model < 0.92 then 'ootd-diffusion'
            else 'fashn-v1.2'
        end as model
    from draws
),

with_status as (
    select
        *,
        case
            -- Jobs from the last 20 minutes are mostly still in flight.
            when created_at > {anchor}::timestamptz - interval '20 minutes' and r_status < 0.6
                then case when r_status < 0.25 then 'queued' else 'processing' end
            when r_status < 0.860 then 'completed'
            when r_status < 0.940 then 'failed'
            when r_status < 0.980 then 'provider_expired'
            when r_status < 0.990 then 'processing'  -- stuck jobs
            else 'queued'
        end as clean_status
    from shaped
),

with_lifecycle as (
    select
        *,
        case clean_status
            when 'completed' then
                (case model when 'kling-v1' then 48 when 'kling-v1.5' then 62 when 'idm-vton' then 21
                            when 'ootd-diffusion' then 33 else 27 end)
                * (0.45 + 1.6 * power(r_life, 2))
                * (case when r_tail > 0.985 then 8 else 1 end)
            when 'failed' then 3 + 110 * r_life
            when 'provider_expired' then 900 + 2700 * r_life
            else 1 + 15 * r_life
        end as lifecycle_s
    from with_status
)

select
    case when r_mess between 0.0085 and 0.0087 then null else md5('job:{seed}:' || i)::uuid end,
    case when r_mess between 0.003 and 0.004 then null
         when r_mess between 0.0091 and 0.0093 then md5('unknown-tenant:{seed}')::uuid  -- not in tenants
         else pg_temp.tenant_uuid(tenant_no) end,
    case
        when r_mess < 0.001 then upper(clean_status)
        when r_mess < 0.002 then ' ' || initcap(clean_status) || ' '
        when r_mess < 0.0025 then 'cancelled'
        when r_mess < 0.003 then 'archived'
        else clean_status
    end,
    case when r_mess between 0.0065 and 0.0075 then null
         when r_mess between 0.0075 and 0.0080 then upper(model)
         when r_mess between 0.0088 and 0.0091 then model || ' (support: bob.smith@example.org)'  -- personal data
         else model end,
    case when r_mess between 0.006 and 0.0065
         then {anchor}::timestamptz + make_interval(secs => 2 * 86400 * r_life)  -- a client clock ahead
         when r_mess > 0.0096 and r_mess < 0.0098 then '1970-01-01 00:00:00+00'  -- a clock reset
         when r_mess > 0.0098 and r_mess < 0.0100 then '2999-01-01 00:00:00+00'  -- far future
         when r_mess > 0.0102 and r_mess < 0.0103 then 'infinity'                   -- not a time
         when r_mess > 0.0103 and r_mess < 0.0104 then '-infinity'
         else created_at end,
    case
        when r_mess between 0.004 and 0.006 and clean_status in ('completed', 'failed', 'provider_expired')
            then created_at - make_interval(secs => 1 + 300 * r_life)  -- updated_at before created_at
        when r_mess between 0.006 and 0.0065
            then {anchor}::timestamptz + make_interval(secs => 2 * 86400 * r_life + lifecycle_s)
        when r_mess > 0.0096 and r_mess < 0.0098 then '1970-01-01 00:01:00+00'
        when r_mess > 0.0098 and r_mess < 0.0100 then null
        -- Not a time, and a change time every incremental run reads again (README, "Bad input"): a few at any scale.
        when r_mess > 0.0100 and r_mess < 0.0102 and i <= 50000 then 'infinity'
        else created_at + make_interval(secs => lifecycle_s)
    end,
    case
        when clean_status = 'provider_expired' then 'provider_expired'
        when clean_status <> 'failed' then null
        when r_reason < 0.30 then 'provider_timeout'
        when r_reason < 0.52 then 'invalid_input_image'
        when r_reason < 0.68 then 'garment_not_detected'
        when r_reason < 0.80 then 'provider_error'
        when r_reason < 0.88 then 'rate_limited'
        when r_reason < 0.94 then 'nsfw_blocked'
        when r_reason < 0.955 then ' Provider_Timeout'
        -- Free text with personal data in it, which staging must mask (README, "Privacy").
        when r_reason < 0.961 then 'moderation_rejected: shopper Jane.Doe@example.com asked for a review'
        when r_reason < 0.965 then 'callback_failed: call +1 415 555 0100'
        when r_reason < 0.968 then 'upstream 10.12.0.7 refused the connection'
        when r_reason < 0.970 then 'upstream 2001:db8::8a2e:370:7334 reset the stream'
        else null
    end,
    case
        when r_mess between 0.008 and 0.0085 then null
        when r_mess > 0.0094 and r_mess < 0.0096 then 2147483647  -- implausible: a logging error
        when clean_status = 'completed' then (case when model like 'kling%' then 2 else 1 end)
        else 0
    end
from with_lifecycle
-- In creation order, the way an operational table receives its rows: at 10 million rows an index read of a
-- few days touches few heap pages only if the rows of a day sit together (bench/NOTES.md).
order by 5;

-- Credit ledger: a grant per tenant, purchases, and for every job a reservation at creation that is
-- released when the job ends, plus a charge when it completed; some charges are refunded.
insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5('grant:{seed}:' || n)::uuid, pg_temp.tenant_uuid(n), 'grant', 500, null::uuid,
       {anchor}::timestamptz - make_interval(days => {days} + 30) + make_interval(hours => n::int)
from generate_series(1, {tenants}) as n;

-- Purchases: tenants buy 1,000-credit packs as they use credits, spread over the period.
insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5('purchase:{seed}:' || u.tenant_id || ':' || k)::uuid, u.tenant_id, 'purchase', 1000, null::uuid,
       {anchor}::timestamptz - make_interval(days => {days}) + make_interval(days => ((k - 1) * {days}) / u.packs)
from (
    select tenant_id, 1 + ceil(sum(case when model ilike 'kling%' then 2 else 1 end) / 1000.0)::int as packs
    from {schema}.tryon_jobs
    where tenant_id is not null
    group by tenant_id
) as u
cross join lateral generate_series(1, u.packs) as k;

insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5(j.id::text || ':' || e.event_type)::uuid, j.tenant_id, e.event_type,
       case when j.model ilike 'kling%' then 2 else 1 end, j.id,
       case when e.event_type = 'reserve' then j.created_at
            when e.event_type = 'refund' then j.updated_at + interval '1 hour'
            else j.updated_at end
from {schema}.tryon_jobs as j
cross join (values ('reserve'), ('release'), ('charge'), ('refund')) as e (event_type)
where j.id is not null and j.tenant_id is not null
  and isfinite(j.created_at) and (j.updated_at is null or isfinite(j.updated_at))
  and (
      e.event_type = 'reserve'
      or (e.event_type = 'release' and lower(trim(j.status)) in ('completed', 'failed', 'provider_expired'))
      or (e.event_type = 'charge' and lower(trim(j.status)) = 'completed' and coalesce(j.credits_charged, 1) > 0)
      or (e.event_type = 'refund' and lower(trim(j.status)) = 'completed'
          and pg_temp.rnd(hashtext(j.id::text), 21) < 0.01)
  )
order by 6;  -- in the order the entries happen, as the jobs above

-- Messy ledger rows: unknown event types, non-positive or missing amounts, a repeated entry.
insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5('messy-ledger:{seed}:' || n)::uuid, pg_temp.tenant_uuid(1 + n % ({tenants} - 5)),
       case n % 4 when 0 then 'adjustment' when 1 then 'Purchase' else 'grant' end,
       case n % 4 when 2 then -50 when 3 then null else 25 end,
       null::uuid, {anchor}::timestamptz - make_interval(days => n % {days})
from generate_series(1, 12) as n;

-- Ledger entries whose time is not a time.
insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5('infinite-ledger:{seed}:' || n)::uuid, pg_temp.tenant_uuid(n), 'grant', 100, null::uuid,
       case n when 1 then 'infinity'::timestamptz else '-infinity'::timestamptz end
from generate_series(1, 2) as n;

-- Implausible ledger amounts (a logging error: the int32 maximum).
insert into {schema}.credit_ledgers (id, tenant_id, event_type, amount, job_id, created_at)
select md5('implausible-ledger:{seed}:' || n)::uuid, pg_temp.tenant_uuid(n), 'grant', 2147483647, null::uuid,
       {anchor}::timestamptz - make_interval(days => n)
from generate_series(1, 2) as n;

insert into {schema}.credit_ledgers
select * from {schema}.credit_ledgers where event_type = 'grant' and amount = 500 limit 2;

-- Duplicate job rows: an older version of some jobs (still processing, earlier updated_at) and a few
-- exact copies. Staging keeps the newest version of each job.
insert into {schema}.tryon_jobs
select id, tenant_id, 'processing', model, created_at, created_at + interval '2 seconds', null, null
from {schema}.tryon_jobs
where id is not null and pg_temp.rnd(hashtext(id::text), 30) < 0.002
  and updated_at > created_at + interval '2 seconds';

insert into {schema}.tryon_jobs
select * from {schema}.tryon_jobs
where id is not null and pg_temp.rnd(hashtext(id::text), 31) < 0.0005;

analyze {schema}.tenants;
analyze {schema}.tryon_jobs;
analyze {schema}.credit_ledgers;
