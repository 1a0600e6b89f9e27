{#-
    Percentiles from mergeable histograms.

    A duration x is counted in log-scale bucket b = floor(ln(x) / ln(g)) with g = 1.02, i.e. x in
    [g^b, g^(b+1)); durations under one second share bucket -1. Daily histograms add up across days,
    tenants and models, so a p95 over any range never re-reads job rows.

    Definition: the p-th percentile is the nearest-rank value (the ceil(p * n)-th smallest of n values),
    reported as the geometric middle of its bucket, g^(b + 0.5), or 0.5 s for bucket -1.
    Bound: |reported - exact nearest-rank value| <= max(1 % of the exact value, 0.5 s)
    (sqrt(1.02) - 1 = 0.995 %). tests/pytest/test_metrics_match_independent_computation.py checks it.
-#}
{% macro histogram_growth() -%}1.02{%- endmacro %}

{% macro histogram_bucket(seconds) -%}
    case
        when {{ seconds }} is null then null
        when {{ seconds }} < 1 then -1
        else cast(floor(ln(cast({{ seconds }} as {{ type_double() }}))
            / ln(cast({{ histogram_growth() }} as {{ type_double() }}))) as integer)
    end
{%- endmacro %}

{% macro histogram_bucket_value(bucket) -%}
    case
        when {{ bucket }} is null then null
        when {{ bucket }} < 0 then 0.5
        else power(cast({{ histogram_growth() }} as {{ type_double() }}), {{ bucket }} + 0.5)
    end
{%- endmacro %}

{#-
    A select of (group_by..., <value_name>) with the nearest-rank quantile of each group, from a relation
    or CTE holding (group_by..., bucket_column, count_column) rows, several rows per bucket allowed.
-#}
{% macro histogram_quantile(histogram, group_by, quantile, value_name,
                            bucket_column='lifecycle_bucket', count_column='completed_jobs') -%}
    {%- set keys = group_by | join(', ') -%}
    {%- set partition = ('partition by ' ~ keys) if group_by else '' -%}
    select
        {% for col in group_by %}{{ col }},{% endfor %}
        cast({{ histogram_bucket_value(
            'min(case when cumulative_count >= ceil(' ~ quantile ~ ' * group_count) then bucket end)'
        ) }} as {{ type_double() }}) as {{ value_name }}
    from (
        select
            {% for col in group_by %}{{ col }},{% endfor %}
            bucket,
            sum(bucket_count) over ({{ partition }} order by bucket rows between unbounded preceding and current row)
                as cumulative_count,
            sum(bucket_count) over ({{ partition }}) as group_count
        from (
            select
                {% for col in group_by %}{{ col }},{% endfor %}
                {{ bucket_column }} as bucket,
                sum({{ count_column }}) as bucket_count
            from {{ histogram }}
            group by {% for col in group_by %}{{ col }}, {% endfor %}{{ bucket_column }}
        ) as buckets
    ) as cumulative
    {% if group_by %}group by {{ keys }}{% endif %}
{%- endmacro %}
