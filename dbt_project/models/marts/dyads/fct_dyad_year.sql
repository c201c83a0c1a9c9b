{{ config(materialized='view') }}

-- The dyad-year universe: one row per directed dyad (ccode_a, ccode_b) and calendar year of COW
-- state system members that were both in the system on at least one common day of the year
-- (peacesciencer's create_dyadyears()), with the pair's ATOP obligations in both directions,
-- capabilities, major-power status, UN voting affinity and ideal-point distance. Missing is not
-- zero: every source's columns are null outside that source's years (dim_source_coverage) and
-- 0 / false inside them where the source has no row for the pair. Formulas in _dyads__docs.md.
--
-- A view over the undirected table (int_dyad_years_joined, built once per pair): each pair's row
-- as it is (a = the smaller code) and swapped (a = the larger code, a's obligations and
-- capabilities b's and the other way round). A filter on ccode_a or ccode_b reaches both halves
-- (UNION ALL), so `where ccode_a = 2` reads only the USA's pairs.

with

universe as (

    select * from {{ ref('int_dyad_years_joined') }}

),

-- Ideal points (etl/ideal_points.py) of the session that opened in the year, vote set `all`.
ideal_point_distances as (

    select * from {{ ref('fct_dyad_session_ideal_point_distance') }}

    where vote_set = 'all'

),

-- read by both halves: not materialized, so that each half's filters reach the tables
joined as not materialized (

    select
        universe.*,
        ideal_point_distances.ideal_point_distance

    from universe

    left join ideal_point_distances
        on universe.year = ideal_point_distances.session_year
        and universe.ccode_a = ideal_point_distances.ccode_a
        and universe.ccode_b = ideal_point_distances.ccode_b

),

as_is as (

    select
        joined.ccode_a,
        joined.ccode_b,
        joined.year,
        joined.is_allied,
        joined.defense_a_to_b,
        joined.offense_a_to_b,
        joined.neutral_a_to_b,
        joined.nonagg_a_to_b,
        joined.consul_a_to_b,
        joined.defense_b_to_a,
        joined.offense_b_to_a,
        joined.neutral_b_to_a,
        joined.nonagg_b_to_a,
        joined.consul_b_to_a,
        joined.atop_ordinal_a_to_b,
        joined.atop_ordinal_b_to_a,
        joined.asymm,
        joined.n_alliances,
        joined.cinc_a,
        joined.cinc_b,
        joined.cinc_a / nullif(joined.cinc_b, 0) as capability_ratio,
        joined.is_major_power_a,
        joined.is_major_power_b,
        joined.unga_n_joint,
        joined.unga_agree_exact,
        joined.unga_agree_voeten,
        joined.unga_s_score,
        joined.unga_cohen_kappa,
        joined.unga_scott_pi,
        joined.unga_agree_exact_important,
        joined.unga_session_n_joint,
        joined.unga_session_agree_exact,
        joined.unga_session_s_score,
        joined.unga_session_cohen_kappa,
        joined.ideal_point_distance

    from joined

),

swapped as (

    select
        joined.ccode_b as ccode_a,
        joined.ccode_a as ccode_b,
        joined.year,
        joined.is_allied,
        joined.defense_b_to_a as defense_a_to_b,
        joined.offense_b_to_a as offense_a_to_b,
        joined.neutral_b_to_a as neutral_a_to_b,
        joined.nonagg_b_to_a as nonagg_a_to_b,
        joined.consul_b_to_a as consul_a_to_b,
        joined.defense_a_to_b as defense_b_to_a,
        joined.offense_a_to_b as offense_b_to_a,
        joined.neutral_a_to_b as neutral_b_to_a,
        joined.nonagg_a_to_b as nonagg_b_to_a,
        joined.consul_a_to_b as consul_b_to_a,
        joined.atop_ordinal_b_to_a as atop_ordinal_a_to_b,
        joined.atop_ordinal_a_to_b as atop_ordinal_b_to_a,
        joined.asymm,
        joined.n_alliances,
        joined.cinc_b as cinc_a,
        joined.cinc_a as cinc_b,
        joined.cinc_b / nullif(joined.cinc_a, 0) as capability_ratio,
        joined.is_major_power_b as is_major_power_a,
        joined.is_major_power_a as is_major_power_b,
        joined.unga_n_joint,
        joined.unga_agree_exact,
        joined.unga_agree_voeten,
        joined.unga_s_score,
        joined.unga_cohen_kappa,
        joined.unga_scott_pi,
        joined.unga_agree_exact_important,
        joined.unga_session_n_joint,
        joined.unga_session_agree_exact,
        joined.unga_session_s_score,
        joined.unga_session_cohen_kappa,
        joined.ideal_point_distance

    from joined

),

final as (

    select * from as_is

    union all

    select * from swapped

)

select * from final
