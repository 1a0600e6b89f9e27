-- One row per quota metric: the daily limit every tenant has unless an admin set its own (analytics_quota_limits).
-- Holds no tenant's data: every analytics role may read it.
select
    metric,
    {{ effective_quota_limit('cast(null as bigint)', 'daily_limit') }} as daily_limit,
    {{ quota_limit_source('cast(null as bigint)', 'limit_source') }} as limit_source
from {{ ref('int_events__quota_defaults') }}
