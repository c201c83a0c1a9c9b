-- One row per directed dyad (ccode_a, ccode_b) and calendar year in which a and b were members
-- of at least one common ATOP alliance (ATOP's year-level convention). Each obligation flag is
-- 1 when a has that obligation toward b in at least one of their common alliances that year
-- (the maximum over those alliances); b's obligations toward a are in the row (b, a).

with

paired as (

    select * from {{ ref('int_alliance_dyad_years_paired') }}

),

final as (

    select
        ccode_a,
        ccode_b,
        year,
        max(defense)::integer as defense,
        max(offense)::integer as offense,
        max(neutral)::integer as neutral,
        max(nonagg)::integer as nonagg,
        max(consul)::integer as consul,
        true as is_allied,
        coalesce(max(greatest(defense, offense, neutral, nonagg, consul)) = 1, false)
            as has_any_obligation,
        count(*)::integer as n_alliances,
        count(*) filter (where n_members_in_year = 2)::integer as n_bilateral_alliances,
        count(*) filter (where n_members_in_year > 2)::integer as n_multilateral_alliances,
        coalesce(bool_or(asymm = 1), false) as has_asymmetric_alliance,
        array_agg(atopid order by atopid) as atopids

    from paired

    group by ccode_a, ccode_b, year

)

select * from final
