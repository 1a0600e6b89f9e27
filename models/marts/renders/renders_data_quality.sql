-- One row per data-quality rule of the renders tables: how many raw rows it touched in this build and what the
-- pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
{%- set rules = [
    ('missing_render_id', 'dropped: a render without an id cannot be told from its other versions'),
    ('older_render_version', 'dropped: an older version (or a re-delivery) of a render; its newest version counts'),
    ('missing_user_id', 'dropped: a render of no user belongs to no user-scoped statistic'),
    ('missing_created_at', 'dropped: the render has no creation time (null or infinite), so no day'),
    ('unknown_type', "kept as type 'unknown': not image or video"),
    ('unknown_status', "kept as status 'unknown': not pending, processing, completed or failed; neither succeeded nor failed"),
    ('unknown_quality', "kept as quality 'unknown': not standard, high or ultra"),
    ('unknown_platform', "kept as platform 'unknown': not render, tools or canvas"),
    ('value_recased', 'kept: a type, status, quality or platform in other cases or with spaces, trimmed and lower-cased'),
    ('metadata_not_object', 'kept without a source platform: the metadata was not a JSON object; not an API call'),
    ('source_platform_missing', 'kept without a source platform: no metadata.sourcePlatform; not an API call'),
    ('negative_processing_time', 'kept without a processing time: it was negative'),
    ('invalid_credits_cost', 'kept with no credits spent: the credits cost was missing or negative'),
    ('personal_data_in_user_id', 'kept: a user id that looks like personal data is replaced by a stable pseudonym (user_<md5>)'),
] -%}
{%- set credit_rules = [
    ('missing_transaction_id', 'dropped: a transaction without an id cannot be de-duplicated'),
    ('duplicate_transaction_delivery', 'dropped: a re-delivered transaction (the same id again) counts once'),
    ('missing_user_id', 'dropped: a transaction of no user belongs to no user-scoped statistic'),
    ('missing_created_at', 'dropped: the transaction has no time (null or infinite), so no day'),
    ('missing_amount', 'dropped: no amount (null or 0) moves no credits'),
    ('unknown_type', 'kept: the type is neither debit nor credit; the direction comes from the sign of the amount'),
    ('type_recased', 'kept: a debit or credit type in other cases or with spaces, trimmed and lower-cased'),
    ('amount_sign_mismatch', 'kept: a debit with a positive amount (or a credit with a negative one) moves the absolute amount in the direction its type says'),
    ('unknown_reference_type', "kept as reference type 'other': not render, refund, purchase, subscription or bonus"),
    ('personal_data_in_user_id', 'kept: a user id that looks like personal data is replaced by a stable pseudonym (user_<md5>)'),
] -%}

-- The counts per rule come from per-day state (int_renders__*_rules_daily), so an incremental run re-reads only the
-- days that changed; the rule definitions live in base_renders__renders and base_renders__credit_transactions.
with render_days as (
    select * from {{ ref('int_renders__render_rules_daily') }}
),

credit_days as (
    select * from {{ ref('int_renders__credit_rules_daily') }}
),

render_rules as (
    select
        {{ summed_rule_counts(rules) }}
    from render_days
),

credit_rules as (
    select
        {{ summed_rule_counts(credit_rules) }}
    from credit_days
),

final as (
    {{ data_quality_rows([('renders', 'render_rules', rules), ('credit_transactions', 'credit_rules', credit_rules)]) }}
)

select * from final
