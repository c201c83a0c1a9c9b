{{ config(materialized='table') }}

-- One row per calendar year, COW system member i and system member k toward which i has an
-- ATOP obligation that year (its alliance portfolio's non-zero entries), plus i's tie to itself
-- at the maximum (Signorino and Ritter 1999: a state is maximally committed to itself). Only the
-- non-zero ties are rows: a state's other items are 0. tie_valued is fpsim's `ordatop` (Chiba et
-- al.'s ordering): 3 defense or offense, 2 neutrality or consultation, 1 non-aggression only;
-- tie_binary is 1 for any of them (fpsim's `binatop`). weight is k's CINC share of the system
-- that year (null without a CINC). Years: ATOP's; the similarity model restricts to both sources.
-- A table: the similarity model reads it three times (sums per state, the self-join on k).

with

dyad_years as (

    select * from {{ ref('int_dyad_years_enumerated') }}

),

state_years as (

    select * from {{ ref('int_state_years_enumerated') }}

),

alliance_pairs as (

    select * from {{ ref('int_alliance_dyad_years_paired') }}

),

obligations as (

    -- a's obligations toward b: the maximum over their common alliances, as in
    -- fct_alliance_dyad_year
    select
        year,
        ccode_a,
        ccode_b,
        max(defense) as defense,
        max(offense) as offense,
        max(neutral) as neutral,
        max(nonagg) as nonagg,
        max(consul) as consul

    from alliance_pairs

    group by year, ccode_a, ccode_b

),

valued as (

    select
        obligations.year,
        obligations.ccode_a as ccode,
        obligations.ccode_b as ccode_k,
        {{ atop_ordinal('obligations.defense', 'obligations.offense', 'obligations.neutral',
                        'obligations.nonagg', 'obligations.consul') }} as tie_valued

    from obligations

    -- both ends in the system on a common day that year (the dyad-year universe)
    inner join dyad_years
        on obligations.ccode_a = dyad_years.ccode_a
        and obligations.ccode_b = dyad_years.ccode_b
        and obligations.year = dyad_years.year

),

self_ties as (

    select
        year,
        ccode,
        ccode as ccode_k,
        3 as tie_valued

    from state_years

),

ties as (

    select * from valued where tie_valued > 0

    union all

    select * from self_ties

),

final as (

    select
        ties.year,
        ties.ccode,
        ties.ccode_k,
        ties.tie_valued,
        1 as tie_binary,
        state_years.cinc_share as weight

    from ties

    inner join state_years
        on ties.ccode_k = state_years.ccode
        and ties.year = state_years.year

)

select * from final
