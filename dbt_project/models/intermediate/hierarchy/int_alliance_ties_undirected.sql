-- One row per network, calendar year and undirected pair of states (ccode_a < ccode_b) tied in
-- that network: 'any_obligation' when either has any ATOP obligation (defense, offense,
-- neutral, nonagg, consul) toward the other in a common alliance that year; 'defense' when
-- either has a defense obligation toward the other. The year's ATOP alliance networks.

-- a table: several models read it, and recomputing it in each would cost seconds
{{ config(materialized='table') }}

with

alliance_pairs as (

    select * from {{ ref('int_alliance_dyad_years_paired') }}

),

pairs as (

    -- both directions of a pair fold into one row: an obligation either way is a tie
    select
        year,
        least(ccode_a, ccode_b) as ccode_a,
        greatest(ccode_a, ccode_b) as ccode_b,
        bool_or(greatest(defense, offense, neutral, nonagg, consul) = 1) as has_any_obligation,
        bool_or(defense = 1) as has_defense

    from alliance_pairs

    group by year, least(ccode_a, ccode_b), greatest(ccode_a, ccode_b)

),

ties as (

    select 'any_obligation' as network, year, ccode_a, ccode_b
    from pairs
    where has_any_obligation

    union all

    select 'defense' as network, year, ccode_a, ccode_b
    from pairs
    where has_defense

)

select * from ties
