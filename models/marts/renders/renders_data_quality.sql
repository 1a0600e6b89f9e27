-- One row per data-quality rule of the renders tables: how many raw rows it touched in this build and what the
-- pipeline did with them. Nothing is dropped or altered silently: every rule has a row here.
{%- set rules = renders_quality_rules() -%}

-- The counts per rule come from per-day state (int_renders__*_rules_daily), so an incremental run re-reads only the
-- days that changed (the few plugin keys are counted whole); the rules (name, condition over base_renders__* flags, action) are listed once in
-- macros/models/renders_quality.sql.
with render_days as (
    select * from {{ ref('int_renders__render_rules_daily') }}
),

credit_days as (
    select * from {{ ref('int_renders__credit_rules_daily') }}
),

activity_days as (
    select * from {{ ref('int_renders__activity_rules_daily') }}
),

render_rules as (
    select
        {{ summed_rule_counts(rule_actions(rules['renders'])) }}
    from render_days
),

credit_rules as (
    select
        {{ summed_rule_counts(rule_actions(rules['credit_transactions'])) }}
    from credit_days
),

activity_rules as (
    select
        {{ summed_rule_counts(rule_actions(rules['account_activity'])) }}
    from activity_days
),

key_rules as (
    -- Keys are few and updated in place: counted straight from their base model on every run.
    select
        {{ rule_count_columns(rules['plugin_api_keys']) }}
    from {{ ref('base_renders__plugin_api_keys') }}
),

final as (
    {{ data_quality_rows([
        ('renders', 'render_rules', rule_actions(rules['renders'])),
        ('credit_transactions', 'credit_rules', rule_actions(rules['credit_transactions'])),
        ('account_activity', 'activity_rules', rule_actions(rules['account_activity'])),
        ('plugin_api_keys', 'key_rules', rule_actions(rules['plugin_api_keys'])),
    ]) }}
)

select * from final
