{{ config(materialized='table') }}

-- The dyad-year universe once per undirected pair (ccode_a < ccode_b) and calendar year of COW
-- state system members that were both in the system on at least one common day of the year
-- (int_dyad_years_enumerated: peacesciencer's create_dyadyears()), with the pair's ATOP
-- obligations in both directions (a_to_b, b_to_a), capabilities, major-power status and UN
-- voting affinity: every column of fct_dyad_year but the ideal-point distance, which the views
-- join (fct_dyad_year_undirected, fct_dyad_year). So this table, the costly join, is built with
-- the vote models, beside them on dbt's other thread, not after the ideal-point estimation; and
-- the directed universe (fct_dyad_year) is this table read twice: half the rows to write.
-- Missing is not zero: every source's columns are null outside that source's years
-- (dim_source_coverage, the one place the bounds live) and 0 / false inside them where the
-- source has no row for the pair (ATOP: not allied). Formulas in _dyads__docs.md.

{%- set flags = ['defense', 'offense', 'neutral', 'nonagg', 'consul'] %}

with

dyad_years as (

    select * from {{ ref('int_dyad_years_enumerated') }}

),

state_years as (

    select * from {{ ref('int_state_years_enumerated') }}

),

obligations as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

-- Calendar-year UNGA affinity over every reconciled roll call (vote set `all`).
affinity as (

    select * from {{ ref('fct_dyad_year_affinity') }}

    where vote_set = 'all'

),

-- The same measures over the UNGA session that opened in the year (session_year = year).
session_affinity as (

    select * from {{ ref('fct_dyad_session_affinity') }}

    where vote_set = 'all'

),

coverage as (

    select * from {{ ref('dim_source_coverage') }}

),

atop_years as (select * from coverage where source = 'atop'),

nmc_years as (select * from coverage where source = 'cow_nmc'),

majors_years as (select * from coverage where source = 'cow_majors'),

unga_years as (select * from coverage where source = 'unga'),

allied_pairs as (

    -- both directions of each allied pair in one row (ATOP has both rows of every allied pair)
    select
        lo_to_hi.ccode_a as ccode_lo,
        lo_to_hi.ccode_b as ccode_hi,
        lo_to_hi.year,
        {% for flag in flags -%}
        lo_to_hi.{{ flag }} as {{ flag }}_lo_to_hi,
        hi_to_lo.{{ flag }} as {{ flag }}_hi_to_lo,
        {% endfor -%}
        lo_to_hi.has_asymmetric_alliance or hi_to_lo.has_asymmetric_alliance
            as has_asymmetric_alliance,
        lo_to_hi.n_alliances

    from obligations as lo_to_hi

    inner join obligations as hi_to_lo
        on lo_to_hi.ccode_a = hi_to_lo.ccode_b
        and lo_to_hi.ccode_b = hi_to_lo.ccode_a
        and lo_to_hi.year = hi_to_lo.year

    where lo_to_hi.ccode_a < lo_to_hi.ccode_b

),

undirected as (

    select
        dyad_years.ccode_a as ccode_lo,
        dyad_years.ccode_b as ccode_hi,
        dyad_years.year,
        {{ within_coverage('dyad_years.year', 'atop_years', 'allied_pairs.n_alliances > 0',
                           'false') }} as is_allied,
        {% for flag in flags -%}
        {{ within_coverage('dyad_years.year', 'atop_years', 'allied_pairs.' ~ flag ~ '_lo_to_hi',
                           '0') }} as {{ flag }}_lo_to_hi,
        {{ within_coverage('dyad_years.year', 'atop_years', 'allied_pairs.' ~ flag ~ '_hi_to_lo',
                           '0') }} as {{ flag }}_hi_to_lo,
        {% endfor -%}
        {{ within_coverage('dyad_years.year', 'atop_years',
                           'allied_pairs.has_asymmetric_alliance::integer', '0') }} as asymm,
        {{ within_coverage('dyad_years.year', 'atop_years', 'allied_pairs.n_alliances', '0') }}
            as n_alliances,
        {{ within_coverage('dyad_years.year', 'nmc_years', 'state_lo.cinc') }} as cinc_lo,
        {{ within_coverage('dyad_years.year', 'nmc_years', 'state_hi.cinc') }} as cinc_hi,
        {{ within_coverage('dyad_years.year', 'majors_years', 'state_lo.is_major_power') }}
            as is_major_power_lo,
        {{ within_coverage('dyad_years.year', 'majors_years', 'state_hi.is_major_power') }}
            as is_major_power_hi,
        {{ within_coverage('dyad_years.year', 'unga_years', 'affinity.n_joint', '0') }}
            as unga_n_joint,
        affinity.agree_exact as unga_agree_exact,
        affinity.agree_voeten as unga_agree_voeten,
        affinity.s_score as unga_s_score,
        affinity.cohen_kappa as unga_cohen_kappa,
        affinity.scott_pi as unga_scott_pi,
        affinity.agree_exact_important as unga_agree_exact_important,
        {{ within_coverage('dyad_years.year', 'unga_years', 'session_affinity.n_joint', '0') }}
            as unga_session_n_joint,
        session_affinity.agree_exact as unga_session_agree_exact,
        session_affinity.s_score as unga_session_s_score,
        session_affinity.cohen_kappa as unga_session_cohen_kappa

    from dyad_years

    cross join atop_years

    cross join nmc_years

    cross join majors_years

    cross join unga_years

    inner join state_years as state_lo
        on dyad_years.ccode_a = state_lo.ccode
        and dyad_years.year = state_lo.year

    inner join state_years as state_hi
        on dyad_years.ccode_b = state_hi.ccode
        and dyad_years.year = state_hi.year

    left join allied_pairs
        on dyad_years.ccode_a = allied_pairs.ccode_lo
        and dyad_years.ccode_b = allied_pairs.ccode_hi
        and dyad_years.year = allied_pairs.year

    left join affinity
        on dyad_years.year = affinity.year
        and dyad_years.ccode_a = affinity.ccode_a
        and dyad_years.ccode_b = affinity.ccode_b

    left join session_affinity
        on dyad_years.year = session_affinity.session_year
        and dyad_years.ccode_a = session_affinity.ccode_a
        and dyad_years.ccode_b = session_affinity.ccode_b

    where dyad_years.ccode_a < dyad_years.ccode_b

),

final as (

    select
        ccode_lo as ccode_a,
        ccode_hi as ccode_b,
        year,
        is_allied,
        {% for flag in flags -%}
        {{ flag }}_lo_to_hi as {{ flag }}_a_to_b,
        {% endfor -%}
        {% for flag in flags -%}
        {{ flag }}_hi_to_lo as {{ flag }}_b_to_a,
        {% endfor -%}
        {{ atop_ordinal('defense_lo_to_hi', 'offense_lo_to_hi', 'neutral_lo_to_hi',
                        'nonagg_lo_to_hi', 'consul_lo_to_hi') }} as atop_ordinal_a_to_b,
        {{ atop_ordinal('defense_hi_to_lo', 'offense_hi_to_lo', 'neutral_hi_to_lo',
                        'nonagg_hi_to_lo', 'consul_hi_to_lo') }} as atop_ordinal_b_to_a,
        asymm,
        n_alliances,
        cinc_lo as cinc_a,
        cinc_hi as cinc_b,
        is_major_power_lo as is_major_power_a,
        is_major_power_hi as is_major_power_b,
        unga_n_joint,
        unga_agree_exact,
        unga_agree_voeten,
        unga_s_score,
        unga_cohen_kappa,
        unga_scott_pi,
        unga_agree_exact_important,
        unga_session_n_joint,
        unga_session_agree_exact,
        unga_session_s_score,
        unga_session_cohen_kappa

    from undirected

)

select * from final
