-- One row per hegemon, network, calendar year and undirected tie between two of the hegemon's
-- partners that year in that network ("spoke to spoke": the hegemon left out), with both
-- partners' regions, for the density of the ties among the partners.

-- a table: several models read it, and recomputing it in each would cost seconds
{{ config(materialized='table') }}

with

ties as (

    select * from {{ ref('int_alliance_ties_undirected') }}

),

partners as (

    select * from {{ ref('int_hegemon_partners_enumerated') }}

),

final as (

    select
        partner_a.hegemon_ccode,
        ties.network,
        ties.year,
        ties.ccode_a as partner_ccode_a,
        ties.ccode_b as partner_ccode_b,
        partner_a.partner_region as partner_region_a,
        partner_b.partner_region as partner_region_b

    from ties

    inner join partners as partner_a
        on ties.network = partner_a.network
        and ties.year = partner_a.year
        and ties.ccode_a = partner_a.partner_ccode

    inner join partners as partner_b
        on ties.network = partner_b.network
        and ties.year = partner_b.year
        and ties.ccode_b = partner_b.partner_ccode
        and partner_a.hegemon_ccode = partner_b.hegemon_ccode

)

select * from final
