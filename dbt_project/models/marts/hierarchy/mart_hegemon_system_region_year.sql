-- One row per hegemon (dbt var hegemon_ccodes), calendar year of ATOP and world region of the
-- partners (macro cow_region): the hegemon's partners in the region and the density of the ties
-- among them, the hegemon left out, with the hub-and-spoke index 1 - density (ties of any
-- obligation; and of defence only). A tie counts in a region when both partners are in it.
-- Every region is listed every year; with fewer than two partners there the density is null.

with

partners as (

    select * from {{ ref('int_hegemon_partners_enumerated') }}

),

partner_ties as (

    select * from {{ ref('int_hegemon_partner_ties_listed') }}

    where partner_region_a = partner_region_b

),

system_years as (

    select hegemon_ccode, year from {{ ref('mart_hegemon_system_year') }}

),

regions as (

    select region
    from (
        values ('Americas'), ('Europe'), ('Africa'), ('Middle East'),
            ('South & Central Asia'), ('East Asia & Pacific')
    ) as listed (region)

),

frame as (

    select
        system_years.hegemon_ccode,
        system_years.year,
        regions.region as partner_region

    from system_years

    cross join regions

),

partner_counts as (

    select
        hegemon_ccode,
        year,
        partner_region,
        count(*) filter (where network = 'any_obligation')::integer as n_partners,
        count(*) filter (where network = 'defense')::integer as n_defense_partners

    from partners

    group by hegemon_ccode, year, partner_region

),

tie_counts as (

    select
        hegemon_ccode,
        year,
        partner_region_a as partner_region,
        count(*) filter (where network = 'any_obligation')::integer as n_partner_ties,
        count(*) filter (where network = 'defense')::integer as n_defense_partner_ties

    from partner_ties

    group by hegemon_ccode, year, partner_region_a

),

joined as (

    select
        frame.hegemon_ccode,
        frame.year,
        frame.partner_region,
        coalesce(partner_counts.n_partners, 0) as n_partners,
        coalesce(tie_counts.n_partner_ties, 0) as n_partner_ties,
        coalesce(partner_counts.n_defense_partners, 0) as n_defense_partners,
        coalesce(tie_counts.n_defense_partner_ties, 0) as n_defense_partner_ties

    from frame

    left join partner_counts
        on frame.hegemon_ccode = partner_counts.hegemon_ccode
        and frame.year = partner_counts.year
        and frame.partner_region = partner_counts.partner_region

    left join tie_counts
        on frame.hegemon_ccode = tie_counts.hegemon_ccode
        and frame.year = tie_counts.year
        and frame.partner_region = tie_counts.partner_region

),

final as (

    select
        hegemon_ccode,
        year,
        partner_region,
        n_partners,
        n_partner_ties,
        n_partner_ties::float8 / nullif(n_partners * (n_partners - 1) / 2, 0)
            as partner_density,
        1 - n_partner_ties::float8 / nullif(n_partners * (n_partners - 1) / 2, 0)
            as hub_and_spoke_index,
        n_defense_partners,
        n_defense_partner_ties,
        n_defense_partner_ties::float8
            / nullif(n_defense_partners * (n_defense_partners - 1) / 2, 0)
            as defense_partner_density,
        1 - n_defense_partner_ties::float8
            / nullif(n_defense_partners * (n_defense_partners - 1) / 2, 0)
            as defense_hub_and_spoke_index

    from joined

)

select * from final
