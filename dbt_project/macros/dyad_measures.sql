{#- Measures of the dyad-year universe (models/marts/dyads) and its alliance portfolios. -#}

{#- The ordinal ATOP tie of a toward b (fpsim's `ordatop`, after Chiba et al.): 3 defense or
    offense, 2 neutrality or consultation (and neither of those), 1 non-aggression only, 0 none
    (also for an alliance that obliges a to nothing toward b). Null when every flag is null. -#}
{% macro atop_ordinal(defense, offense, neutral, nonagg, consul) -%}
    case
        when {{ defense }} = 1 or {{ offense }} = 1 then 3
        when {{ neutral }} = 1 or {{ consul }} = 1 then 2
        when {{ nonagg }} = 1 then 1
        when coalesce({{ defense }}, {{ offense }}, {{ neutral }}, {{ nonagg }}, {{ consul }})
            is not null then 0
    end
{%- endmacro %}


{#- A value of a source inside its temporal domain: `value`, or `zero` (the source's own "none")
    where the source has no row; null outside the years of dim_source_coverage's row. -#}
{% macro within_coverage(year, coverage, value, zero=none) -%}
    case
        when {{ year }} between {{ coverage }}.first_year and {{ coverage }}.last_year
            then {% if zero is none %}{{ value }}{% else %}coalesce({{ value }}, {{ zero }}){% endif %}
    end
{%- endmacro %}


{#- A capability share (0-1, float8) as an exact integer count of 1e-15 units, so that sums of
    shares are exact integer sums: the same bits in whatever order a plan adds them, and far
    cheaper than numeric. Null stays null. -#}
{% macro weight_units(share) -%}
    round({{ share }} * 1e15)::bigint
{%- endmacro %}
