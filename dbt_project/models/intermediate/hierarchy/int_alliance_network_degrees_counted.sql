-- One row per network, calendar year and state with at least one tie in that network
-- (int_alliance_ties_undirected): the state's degree (number of states it is tied to) and the
-- network's size and largest degree that year, for degree centrality and centralisation.

-- a table: several models read it, and recomputing it in each would cost seconds
{{ config(materialized='table') }}

with

ties as (

    select * from {{ ref('int_alliance_ties_undirected') }}

),

ends as (

    select network, year, ccode_a as ccode from ties
    union all
    select network, year, ccode_b as ccode from ties

),

degrees as (

    select
        network,
        year,
        ccode,
        count(*)::integer as degree

    from ends

    group by network, year, ccode

),

final as (

    select
        network,
        year,
        ccode,
        degree,
        count(*) over (partition by network, year)::integer as n_states_in_network,
        max(degree) over (partition by network, year) as max_degree_in_network

    from degrees

)

select * from final
