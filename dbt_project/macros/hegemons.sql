{#-
    The hegemons of the hegemon marts, from the dbt vars hegemon_ccodes (default [2, 365, 710]:
    USA, Russia/USSR, China) and hegemon_rivals (keys: the hegemon's code as text), both fed from
    Settings by etl.transform.dbt_vars.

    hegemons_values(): a SQL query of one row per hegemon: hegemon_ccode, rival_ccode (its first
    listed rival, the one the *_rival columns of the hegemon marts compare with; null when it
    has none), rival_ccodes (all its rivals, comma-separated) and sort_order (its place in the
    var). The code of a hegemon or rival is an integer, checked here.
-#}
{% macro hegemons_values() -%}
    {%- set hegemon_ccodes = var('hegemon_ccodes') -%}
    {%- set rivals = var('hegemon_rivals') -%}
    {%- if hegemon_ccodes | length == 0 -%}
        {%- do exceptions.raise_compiler_error("dbt var hegemon_ccodes is empty: name at least one hegemon") -%}
    {%- endif -%}
    {%- for hegemon in hegemon_ccodes -%}
        {%- set hegemon_rivals = rivals.get(hegemon | string, []) or [] -%}
        select
            {{ hegemon | int }}::integer as hegemon_ccode,
            {{ (hegemon_rivals[0] | int) if hegemon_rivals else 'null' }}::integer as rival_ccode,
            {{ "'" ~ (hegemon_rivals | map('int') | join(',')) ~ "'" if hegemon_rivals else 'null' }}::text
                as rival_ccodes,
            {{ loop.index }}::integer as sort_order
        {{ 'union all' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{#- Every COW code the hegemon marts compare with: the hegemons and their rivals. -#}
{% macro hegemon_and_rival_ccodes() -%}
    {%- set codes = [] -%}
    {%- for hegemon in var('hegemon_ccodes') -%}
        {%- do codes.append(hegemon | int) -%}
        {%- for rival in var('hegemon_rivals').get(hegemon | string, []) or [] -%}
            {%- do codes.append(rival | int) -%}
        {%- endfor -%}
    {%- endfor -%}
    ({{ codes | unique | join(', ') }})
{%- endmacro %}


{#- country_year_hegemon_affinity and country_session_hegemon_affinity: each country's affinity,
    per period and vote set, with every hegemon and with that hegemon's first rival, and its rank
    among the countries by affinity with the hegemon. -#}
{% macro country_period_hegemon_affinity(period, packed_relation, extra_columns=[]) -%}
{%- set measures = ['n_joint', 'agree_exact', 'agree_voeten', 's_score', 's_score_squared',
                    'cohen_kappa', 'scott_pi', 'cohen_kappa_abs', 'scott_pi_abs',
                    'n_joint_important', 'agree_exact_important'] -%}
with

country_periods as (

    select {{ period }}, vote_set, ccode from {{ packed_relation }}

),

hegemons as (

    {{ hegemons_values() }}

),

dyad_counts as (

    -- every country's dyads with the hegemons and their rivals, both orientations (a = the
    -- country, b = the hegemon or rival): the counts of the dyad facts, by the same macro,
    -- computed here for these few dyads instead of read from the facts (a scan of their 7.6
    -- million rows per grain took longer than the whole computation)
    {{ dyad_vote_counts(
        period, packed_relation,
        pair_condition='a.ccode <> b.ccode and b.ccode in ' ~ hegemon_and_rival_ccodes(),
        incremental=false) | indent(4) }}

),

directed as (

    -- their measures, one row per vote set, by the macro of the dyad facts
    select
        {{ period }},
        vote_set,
        ccode_a as ccode,
        ccode_b as other_ccode,
        {{ measures | join(', ') }}

    from (
        {{ affinity_measures(period, 'dyad_counts') | indent(8) }}
    ) as measured

),

joined as (

    -- every country-period of the vote set once per hegemon (the hegemon's own excluded), with
    -- its measures against the hegemon and against the hegemon's first rival (null where the
    -- pair has no row: one of them cast no vote in the set that period, or no rival). Two left
    -- joins on the whole key: the stack of both sides and a group by, which did this before,
    -- took 2.6-2.7 s of the server's CPU on the shared data against 2.0-2.1 s for this.
    select
        country_periods.{{ period }},
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        country_periods.vote_set,
        hegemons.hegemon_ccode,
        country_periods.ccode,
        hegemons.rival_ccode,
        {%- for measure in measures %}
        on_hegemon.{{ measure }} as {{ measure }}_hegemon,
        {%- endfor %}
        {%- for measure in measures %}
        on_rival.{{ measure }} as {{ measure }}_rival{{ ',' if not loop.last }}
        {%- endfor %}

    from country_periods

    cross join hegemons

    left join directed as on_hegemon
        on country_periods.{{ period }} = on_hegemon.{{ period }}
        and country_periods.vote_set = on_hegemon.vote_set
        and country_periods.ccode = on_hegemon.ccode
        and hegemons.hegemon_ccode = on_hegemon.other_ccode

    left join directed as on_rival
        on country_periods.{{ period }} = on_rival.{{ period }}
        and country_periods.vote_set = on_rival.vote_set
        and country_periods.ccode = on_rival.ccode
        and hegemons.rival_ccode = on_rival.other_ccode

    where country_periods.ccode <> hegemons.hegemon_ccode

),

ranked as (

    select
        *,
        case when agree_exact_hegemon is not null then
            rank() over (
                partition by {{ period }}, vote_set, hegemon_ccode, agree_exact_hegemon is null
                order by agree_exact_hegemon desc
            )::integer
        end as rank_agree_exact_hegemon,
        case when s_score_hegemon is not null then
            rank() over (
                partition by {{ period }}, vote_set, hegemon_ccode, s_score_hegemon is null
                order by s_score_hegemon desc
            )::integer
        end as rank_s_score_hegemon,
        count(agree_exact_hegemon) over (
            partition by {{ period }}, vote_set, hegemon_ccode
        )::integer as n_countries_ranked,
        agree_exact_hegemon - agree_exact_rival as agree_exact_hegemon_minus_rival

    from joined

)

select * from ranked
{%- endmacro %}
