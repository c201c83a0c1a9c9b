{{ config(materialized='view') }}

-- The dyad-year universe once per undirected pair (ccode_a < ccode_b): the joined universe
-- (int_dyad_years_joined, a table) with the ideal-point distance of the UNGA session that
-- opened in the year (fct_dyad_session_ideal_point_distance, vote set `all`) and the capability
-- ratio. A view: the ideal points are estimated after the vote models, and joining them here
-- keeps the costly join out of the refresh's last step.

with

universe as (

    select * from {{ ref('int_dyad_years_joined') }}

),

-- Ideal points (etl/ideal_points.py) of the session that opened in the year, vote set `all`.
ideal_point_distances as (

    select * from {{ ref('fct_dyad_session_ideal_point_distance') }}

    where vote_set = 'all'

),

joined as (

    select
        universe.*,
        ideal_point_distances.ideal_point_distance

    from universe

    left join ideal_point_distances
        on universe.year = ideal_point_distances.session_year
        and universe.ccode_a = ideal_point_distances.ccode_a
        and universe.ccode_b = ideal_point_distances.ccode_b

),

final as (

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

)

select * from final
