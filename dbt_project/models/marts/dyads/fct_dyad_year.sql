{{
    config(
        contract_build='create_table_as',
    )
}}

-- The dyad-year universe: one row per directed dyad (ccode_a, ccode_b) and calendar year of COW
-- state system members that were both in the system on at least one common day of the year
-- (int_dyad_years_enumerated: peacesciencer's create_dyadyears()), with the pair's ATOP
-- obligations in both directions, capabilities, major-power status and UN voting affinity.
-- Missing is not zero: every source's columns are null outside that source's years
-- (dim_source_coverage, the one place the bounds live) and 0 / false inside them where the
-- source has no row for the pair (ATOP: not allied). Formulas in _dyads__docs.md.
-- Built with CREATE TABLE AS (macros/parallel_build.sql), which PostgreSQL runs in parallel.

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

-- Calendar-year UNGA affinity. When fct_dyad_year_affinity gains its vote_set column, the one
-- change here is `where vote_set = 'all'` below; the session facts (fct_dyad_session_affinity)
-- join on session_year in the same way.
affinity as (

    select * from {{ ref('fct_dyad_year_affinity') }}

),

coverage as (

    select * from {{ ref('dim_source_coverage') }}

),

atop_years as (select * from coverage where source = 'atop'),

nmc_years as (select * from coverage where source = 'cow_nmc'),

majors_years as (select * from coverage where source = 'cow_majors'),

unga_years as (select * from coverage where source = 'unga'),

joined as (

    select
        dyad_years.ccode_a,
        dyad_years.ccode_b,
        dyad_years.year,
        {{ within_coverage('dyad_years.year', 'atop_years', 'a_to_b.is_allied', 'false') }}
            as is_allied,
        {% for flag in ['defense', 'offense', 'neutral', 'nonagg', 'consul'] -%}
        {{ within_coverage('dyad_years.year', 'atop_years', 'a_to_b.' ~ flag, '0') }}
            as {{ flag }}_a_to_b,
        {{ within_coverage('dyad_years.year', 'atop_years', 'b_to_a.' ~ flag, '0') }}
            as {{ flag }}_b_to_a,
        {% endfor -%}
        {{ within_coverage('dyad_years.year', 'atop_years',
                           'a_to_b.has_asymmetric_alliance::integer', '0') }} as asymm,
        {{ within_coverage('dyad_years.year', 'atop_years', 'a_to_b.n_alliances', '0') }}
            as n_alliances,
        {{ within_coverage('dyad_years.year', 'nmc_years', 'state_a.cinc') }} as cinc_a,
        {{ within_coverage('dyad_years.year', 'nmc_years', 'state_b.cinc') }} as cinc_b,
        {{ within_coverage('dyad_years.year', 'majors_years', 'state_a.is_major_power') }}
            as is_major_power_a,
        {{ within_coverage('dyad_years.year', 'majors_years', 'state_b.is_major_power') }}
            as is_major_power_b,
        {{ within_coverage('dyad_years.year', 'unga_years', 'affinity.n_joint', '0') }}
            as unga_n_joint,
        affinity.agree_exact as unga_agree_exact,
        affinity.agree_voeten as unga_agree_voeten,
        affinity.s_score as unga_s_score,
        affinity.cohen_kappa as unga_cohen_kappa,
        affinity.scott_pi as unga_scott_pi,
        affinity.agree_exact_important as unga_agree_exact_important

    from dyad_years

    cross join atop_years

    cross join nmc_years

    cross join majors_years

    cross join unga_years

    inner join state_years as state_a
        on dyad_years.ccode_a = state_a.ccode
        and dyad_years.year = state_a.year

    inner join state_years as state_b
        on dyad_years.ccode_b = state_b.ccode
        and dyad_years.year = state_b.year

    left join obligations as a_to_b
        on dyad_years.ccode_a = a_to_b.ccode_a
        and dyad_years.ccode_b = a_to_b.ccode_b
        and dyad_years.year = a_to_b.year

    left join obligations as b_to_a
        on dyad_years.ccode_b = b_to_a.ccode_a
        and dyad_years.ccode_a = b_to_a.ccode_b
        and dyad_years.year = b_to_a.year

    left join affinity
        on dyad_years.year = affinity.year
        and least(dyad_years.ccode_a, dyad_years.ccode_b) = affinity.ccode_a
        and greatest(dyad_years.ccode_a, dyad_years.ccode_b) = affinity.ccode_b

),

final as (

    select
        ccode_a,
        ccode_b,
        year,
        is_allied,
        defense_a_to_b,
        offense_a_to_b,
        neutral_a_to_b,
        nonagg_a_to_b,
        consul_a_to_b,
        defense_b_to_a,
        offense_b_to_a,
        neutral_b_to_a,
        nonagg_b_to_a,
        consul_b_to_a,
        {{ atop_ordinal('defense_a_to_b', 'offense_a_to_b', 'neutral_a_to_b', 'nonagg_a_to_b',
                        'consul_a_to_b') }} as atop_ordinal_a_to_b,
        {{ atop_ordinal('defense_b_to_a', 'offense_b_to_a', 'neutral_b_to_a', 'nonagg_b_to_a',
                        'consul_b_to_a') }} as atop_ordinal_b_to_a,
        asymm,
        n_alliances,
        cinc_a,
        cinc_b,
        cinc_a / nullif(cinc_b, 0) as capability_ratio,
        is_major_power_a,
        is_major_power_b,
        unga_n_joint,
        unga_agree_exact,
        unga_agree_voeten,
        unga_s_score,
        unga_cohen_kappa,
        unga_scott_pi,
        unga_agree_exact_important,
        -- ideal points come later (another issue): the lead wires the distance at merge
        null::double precision as ideal_point_distance

    from joined

)

select * from final
