-- Deterministic sample data for the LLM gateway domain, generated inside the database, like the try-on
-- data: every random draw is a hash of (row number, draw number, seed). Tenants are the try-on tenants of
-- the same seed (md5('tenant:<seed>:<n>')), so one tenant can use both products.
-- Parameters: {schema}, {seed}, {tenants}, {requests}, {days}, {anchor}, {growth} (Domain.growth: how much denser
-- recent days are).

create or replace function pg_temp.rnd(i bigint, draw integer) returns double precision
language sql immutable parallel safe as $$
    select (hashint8extended(i, {seed} * 1000 + draw) & 9007199254740991)::double precision / 9007199254740992
$$;

-- Projects: tenant n has 1 + n % 3 projects; the last five tenants have none. One project row is
-- repeated (a re-synced copy) for staging's de-duplication.
insert into {schema}.projects (id, tenant_id, name, created_at)
select md5('project:{seed}:' || n || ':' || k)::uuid, md5('tenant:{seed}:' || n)::uuid,
       'project ' || n || '-' || k,
       {anchor}::timestamptz - make_interval(days => {days} + 20)
from generate_series(1, {tenants} - 5) as n
cross join lateral generate_series(1, 1 + n % 3) as k;

insert into {schema}.projects (id, tenant_id, name, created_at)
select id, tenant_id, upper(name), created_at - interval '1 day' from {schema}.projects order by id limit 1;

-- Prices the gateway charged (per 1K tokens), matching seeds/llm_model_prices.csv.
create temporary table sample_prices (model text, provider text, valid_from timestamptz, input numeric, output numeric)
on commit drop;
insert into sample_prices values
    ('gpt-4o', 'openai', '2024-01-01', 0.005, 0.015),
    ('gpt-4o', 'openai', '2026-05-15', 0.0025, 0.01),
    ('gpt-4o-mini', 'openai', '2024-01-01', 0.00015, 0.0006),
    ('claude-3-5-sonnet', 'anthropic', '2024-01-01', 0.003, 0.015),
    ('claude-3-haiku', 'anthropic', '2024-01-01', 0.00025, 0.00125),
    ('claude-3-haiku', 'anthropic', '2026-10-01', 0.0002, 0.001),
    ('llama-3.1-70b', 'groq', '2024-01-01', 0.00059, 0.00079);

create temporary table sample_project_list on commit drop as
select row_number() over (order by id) as p, id
from (select distinct id from {schema}.projects) as d;

insert into {schema}.usage_logs
    (id, project_id, provider, model, tokens_input, tokens_output, cost_usd, potential_cost_usd, cached,
     latency_ms, status, created_at, ingested_at)
with draws as (
    select
        i,
        pg_temp.rnd(i, 41) as r_project, pg_temp.rnd(i, 42) as r_time, pg_temp.rnd(i, 43) as r_model,
        pg_temp.rnd(i, 44) as r_cache, pg_temp.rnd(i, 45) as r_tokens, pg_temp.rnd(i, 46) as r_latency,
        pg_temp.rnd(i, 47) as r_status, pg_temp.rnd(i, 48) as r_mess, pg_temp.rnd(i, 49) as r_burst,
        pg_temp.rnd(i, 50) as r_late
    from generate_series(1, {requests}::bigint) as i
),

shaped as (
    select
        d.*,
        -- A few busy projects, a long tail of quiet ones.
        1 + floor((select count(*) from sample_project_list) * power(r_project, 2.5))::bigint as p,
        case
            -- Bursts: 8 % of the traffic falls into one busy hour every 5 days.
            when r_burst < 0.08 then
                date_trunc('day', {anchor}::timestamptz - make_interval(days => 5 * floor(r_time * {days} / 5)::int))
                + interval '14 hours' + make_interval(secs => 3600 * r_late)
            else {anchor}::timestamptz - make_interval(secs => {days} * 86400.0 * power(r_time, {growth}))
        end as t,
        case
            when r_model < 0.30 then 'gpt-4o-mini'
            when r_model < 0.50 then 'gpt-4o'
            when r_model < 0.70 then 'claude-3-5-sonnet'
            when r_model < 0.85 then 'claude-3-haiku'
            when r_model < 0.997 then 'llama-3.1-70b'
            else 'mystery-model-x'  -- not in the price list
        end as model_name,
        50 + floor(3950 * power(r_tokens, 3))::int as tokens_in,
        10 + floor(1490 * power(pg_temp.rnd(i, 51), 2))::int as tokens_out
    from draws as d
),

placed as (
    select
        s.*,
        l.id as project_id,
        -- An outage: no traffic at all for six hours, ten days before the anchor.
        case when s.t >= date_trunc('day', {anchor}::timestamptz) - interval '10 days' + interval '2 hours'
                  and s.t < date_trunc('day', {anchor}::timestamptz) - interval '10 days' + interval '8 hours'
             then s.t + interval '6 hours' else s.t end - interval '1 second' as created_at,
        -- Cache hit rates differ by project and drift over time.
        0.10 + 0.60 * pg_temp.rnd(s.p, 60)
            + (0.25 * pg_temp.rnd(s.p, 61) - 0.125) * (1 - extract(epoch from {anchor}::timestamptz - s.t) / ({days} * 86400.0))
            as cache_rate
    from shaped as s
    join sample_project_list as l on l.p = s.p
),

priced as (
    select
        pl.*,
        r_cache < cache_rate as is_cached,
        case when model_name like 'gpt%' then 'openai' when model_name like 'claude%' then 'anthropic'
             when model_name like 'llama%' then 'groq' else 'acme' end as provider_name,
        coalesce((
            select round((tokens_in * pr.input + tokens_out * pr.output) / 1000, 8)
            from sample_prices as pr
            where pr.model = pl.model_name and pr.valid_from <= pl.created_at
            order by pr.valid_from desc limit 1
        ), round(tokens_in * 0.000002 + tokens_out * 0.000004, 8)) as full_cost
    from placed as pl
)

select
    md5('request:{seed}:' || i)::uuid,
    case when r_mess < 0.002 then null else project_id end,                         -- null project
    case when r_mess between 0.002 and 0.003 then upper(provider_name) else provider_name end,
    case when r_mess between 0.003 and 0.004 then ' ' || upper(model_name) || ' '
         when r_mess between 0.0085 and 0.0088 then 'ft:' || model_name || ':alice@example.com'  -- personal data
         else model_name end,
    case when r_mess > 0.0088 and r_mess < 0.0090 then 2147483647 else tokens_in end,  -- implausible tokens
    case when r_mess between 0.004 and 0.0045 then -5 else tokens_out end,          -- negative tokens
    case when r_mess > 0.0090 and r_mess < 0.0092 then 'NaN'                          -- not a number
         when r_mess > 0.0092 and r_mess < 0.0094 then 999999.99                     -- implausible cost
         when is_cached then 0
         when r_mess between 0.005 and 0.006 then -full_cost                         -- negative cost
         else full_cost end,
    case when r_mess > 0.0094 and r_mess < 0.0096 then 'NaN'                         -- not a number
         when is_cached and r_mess >= 0.006 and pg_temp.rnd(i, 52) < 0.25 then 0  -- not backfilled (spec)
         when not is_cached and pg_temp.rnd(i, 52) < 0.05 then 0                    -- not backfilled (spec)
         else full_cost end,
    is_cached,
    case when r_mess between 0.006 and 0.007 then 3600000 + floor(r_latency * 1000)::int  -- an hour: outlier
         when r_mess between 0.007 and 0.0075 then -1                                     -- invalid
         when is_cached then 3 + floor(40 * r_latency)::int
         else 150 + floor(4000 * power(r_latency, 2) + tokens_out * 2)::int end,
    case when r_status < 0.970 then 'success' when r_status < 0.990 then 'error'
         when r_status < 0.998 then 'timeout' else 'Rate_Limited' end,
    case when r_mess between 0.0075 and 0.008 then {anchor}::timestamptz + make_interval(secs => 86400 * r_late)
         when r_mess > 0.0096 and r_mess < 0.0098 then '1970-01-01 00:00:00+00'      -- a clock reset
         when r_mess > 0.0098 and r_mess < 0.0099 then 'infinity'                    -- not a time
         when r_mess > 0.0099 and r_mess < 0.0100 then '-infinity'
         when r_mess > 0.0100 and r_mess < 0.0102 then '2999-01-01 00:00:00+00'        -- far future
         else created_at end,                                                        -- a clock ahead
    -- Most rows land within seconds; 2 % arrive up to two days late.
    case when r_mess between 0.0075 and 0.008 then {anchor}::timestamptz - interval '1 minute'
         -- Not a time, and a change time every incremental run reads again: a few at any scale.
         when r_mess > 0.0102 and r_mess < 0.0104 and i <= 50000 then 'infinity'
         when r_late < 0.02 then least(created_at + make_interval(secs => 172800 * r_late / 0.02),
                                       {anchor}::timestamptz - interval '1 minute')
         else least(created_at + make_interval(secs => 1 + 5 * r_late), {anchor}::timestamptz - interval '1 minute')
    end
from priced
-- In arrival order, the way the gateway appends its log (late rows land among the rows of their arrival hour):
-- at 10 million rows an index read of a few hours touches few heap pages only then (bench/NOTES.md).
order by 13;

-- A re-delivered copy of some requests, landing later: staging keeps one.
insert into {schema}.usage_logs
select id, project_id, provider, model, tokens_input, tokens_output, cost_usd, potential_cost_usd, cached,
       latency_ms, status, created_at, ingested_at + interval '30 minutes'
from {schema}.usage_logs
where id is not null and pg_temp.rnd(hashtext(id::text), 70) < 0.001;
