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

sides as (

    -- each directed dyad once for every hegemon it is the hegemon side of, and once for every
    -- hegemon whose first rival it is the rival side of
    select directed.*, hegemons.hegemon_ccode, 'hegemon' as side
    from directed
    inner join hegemons
        on directed.other_ccode = hegemons.hegemon_ccode

    union all

    select directed.*, hegemons.hegemon_ccode, 'rival' as side
    from directed
    inner join hegemons
        on directed.other_ccode = hegemons.rival_ccode

),

stacked as (

    -- every country-period of the vote set once per hegemon, beside its sides. A group by of
    -- the stack instead of two left joins: the planner cannot estimate how many dyads a
    -- hegemon has and picked merge joins on part of the key (130 million rows filtered)
    select
        country_periods.{{ period }},
        country_periods.vote_set,
        country_periods.ccode,
        hegemons.hegemon_ccode,
        'country' as side,
        {%- for measure in measures %}
        null::{{ 'integer' if measure.startswith('n_') else 'float8' }} as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from country_periods
    cross join hegemons
    where country_periods.ccode <> hegemons.hegemon_ccode

    union all

    select
        {{ period }}, vote_set, ccode, hegemon_ccode, side, {{ measures | join(', ') }}
    from sides

),

joined as (

    select
        stacked.{{ period }},
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        stacked.vote_set,
        stacked.hegemon_ccode,
        stacked.ccode,
        hegemons.rival_ccode,
        {%- for measure in measures %}
        max(stacked.{{ measure }}) filter (where stacked.side = 'hegemon') as {{ measure }}_hegemon,
        {%- endfor %}
        {%- for measure in measures %}
        max(stacked.{{ measure }}) filter (where stacked.side = 'rival') as {{ measure }}_rival
        {{- ',' if not loop.last }}
        {%- endfor %}

    from stacked

    inner join hegemons
        on stacked.hegemon_ccode = hegemons.hegemon_ccode

    group by stacked.{{ period }}, stacked.vote_set, stacked.hegemon_ccode, stacked.ccode,
        hegemons.rival_ccode

    -- only the country-periods that voted: a hegemon's own dyads are not rows
    having bool_or(stacked.side = 'country')

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
