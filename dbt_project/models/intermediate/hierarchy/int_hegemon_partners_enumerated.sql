-- One row per hegemon (dbt var hegemon_ccodes), network, calendar year and partner: every state
-- tied to the hegemon that year in the network (int_alliance_ties_undirected: 'any_obligation'
-- or 'defense'), with the partner's world region (macro cow_region) and its degree in the
-- network.

-- a table: several models read it, and recomputing it in each would cost seconds
{{ config(materialized='table') }}

with

ties as (

    select * from {{ ref('int_alliance_ties_undirected') }}

),

degrees as (

    select * from {{ ref('int_alliance_network_degrees_counted') }}

),

hegemons as (

    select unnest(array[{{ var('hegemon_ccodes') | join(', ') }}]::integer[]) as hegemon_ccode

),

partners as (

    select
        hegemons.hegemon_ccode,
        ties.network,
        ties.year,
        case
            when ties.ccode_a = hegemons.hegemon_ccode then ties.ccode_b else ties.ccode_a
        end as partner_ccode

    from ties

    inner join hegemons
        on hegemons.hegemon_ccode in (ties.ccode_a, ties.ccode_b)

),

final as (

    select
        partners.hegemon_ccode,
        partners.network,
        partners.year,
        partners.partner_ccode,
        {{ cow_region('partners.partner_ccode') }} as partner_region,
        degrees.degree as partner_degree

    from partners

    inner join degrees
        on partners.network = degrees.network
        and partners.year = degrees.year
        and partners.partner_ccode = degrees.ccode

)

select * from final
