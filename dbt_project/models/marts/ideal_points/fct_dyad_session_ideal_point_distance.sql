-- One row per vote set, UNGA session and undirected dyad (ccode_a < ccode_b) of states that
-- both have an ideal point that session: the distance between their ideal points. Only the
-- vote sets of the var ideal_point_dyad_vote_sets (default: all).

with

ideal_points as (

    select * from {{ ref('fct_country_session_ideal_point') }}
    where vote_set in ('{{ var("ideal_point_dyad_vote_sets") | join("', '") }}')

),

final as (

    select
        a.vote_set,
        a.session,
        a.session_year,
        a.ccode as ccode_a,
        b.ccode as ccode_b,
        a.ideal_point as ideal_point_a,
        b.ideal_point as ideal_point_b,
        abs(a.ideal_point - b.ideal_point) as ideal_point_distance,
        sqrt(a.standard_error * a.standard_error + b.standard_error * b.standard_error)
            as ideal_point_distance_se

    from ideal_points as a

    inner join ideal_points as b
        on
            a.vote_set = b.vote_set
            and a.session = b.session
            and a.ccode < b.ccode

)

select * from final
