-- Every raw credit_transactions row (a delivery of a transaction) renamed, with its change time and UTC day. No window
-- function: a filter on the change time, the day or the id reaches the raw table's indexes. Transactions are
-- appended, never updated: the creation time is the change time. base_renders__credit_transactions reads it.
select
    id as transaction_id,
    user_id,
    type,
    amount,
    reference_type,
    reference_id,
    created_at,
    created_at as source_changed_at,
    {{ version_day('created_at') }} as created_day_utc
from {{ source('renders', 'credit_transactions') }}
