-- The universe's NULL rule, checked on every row: inside a source's years (dim_source_coverage)
-- its columns are never null where the source says "none" (ATOP: is_allied, the obligations;
-- UNGA: unga_n_joint), and outside them they are always null. Returns the offending rows.

with

universe as (

    select * from {{ ref('int_dyad_years_joined') }}

),

coverage as (

    select * from {{ ref('dim_source_coverage') }}

),

atop as (select * from coverage where source = 'atop'),

nmc as (select * from coverage where source = 'cow_nmc'),

unga as (select * from coverage where source = 'unga'),

checked as (

    select
        universe.ccode_a,
        universe.ccode_b,
        universe.year,
        universe.year between atop.first_year and atop.last_year as in_atop,
        universe.year between unga.first_year and unga.last_year as in_unga,
        universe.year between nmc.first_year and nmc.last_year as in_nmc,
        universe.is_allied,
        universe.defense_a_to_b,
        universe.consul_b_to_a,
        universe.atop_ordinal_a_to_b,
        universe.unga_n_joint,
        universe.unga_agree_exact,
        universe.cinc_a

    from universe

    cross join atop

    cross join nmc

    cross join unga

)

select * from checked

where
    (coalesce(in_atop, false) and (is_allied is null or defense_a_to_b is null
        or consul_b_to_a is null or atop_ordinal_a_to_b is null))
    or (not coalesce(in_atop, false) and (is_allied is not null or defense_a_to_b is not null
        or atop_ordinal_a_to_b is not null))
    or (coalesce(in_unga, false) and unga_n_joint is null)
    or (not coalesce(in_unga, false) and (unga_n_joint is not null
        or unga_agree_exact is not null))
    or (not coalesce(in_nmc, false) and cinc_a is not null)
