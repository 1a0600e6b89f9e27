{#- Entities updated in place (one raw row per id: try-on jobs, renders) leave no older version behind to say which
    UTC day they counted on before a change moved them (a corrected created_at). The entity-level incremental model
    that reads them (int_tryon__jobs_enriched, int_renders__render_days) keeps that day in previous_created_day_utc,
    and the domain's change manifest stamps it too, so the day a moved entity left is recomputed. -#}

{#- Where each entity of the CTE `changed` counted before this run, from the model's own rows: (entity,
    created_day_utc, previous_created_day_utc). Empty in a full refresh (nothing counted anywhere before). -#}
{% macro stored_days(entity, changed) -%}
    {%- if is_incremental() %}
        select {{ entity }}, created_day_utc, previous_created_day_utc from {{ this }}
        where {{ in_subquery(entity, 'select ' ~ entity ~ ' from ' ~ changed) }}
    {%- else %}
        select {{ entity }}, created_day_utc, created_day_utc as previous_created_day_utc from {{ changed }}
        where 1 = 0
    {%- endif %}
{%- endmacro %}

{#- The day an entity (alias `current`) counted on before it moved, given its stored row (alias `stored`): the stored
    day when it moved in this run, else the one kept before (kept until it moves again, so a run that fails after the
    model still recomputes the old day). -#}
{% macro previous_created_day(current, stored) -%}
    case
        when {{ stored }}.created_day_utc <> {{ current }}.created_day_utc then {{ stored }}.created_day_utc
        else {{ stored }}.previous_created_day_utc
    end
{%- endmacro %}
