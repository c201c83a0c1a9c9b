-- One row per hegemon (dbt var hegemon_ccodes), treaty partner (any ATOP obligation either way)
-- and calendar year: the partner's place in the hegemon's hierarchy. US troops per 1,000
-- inhabitants of the host (troopdata, COW NMC tpop), US bases (Vine's 2015 list), the
-- partner's independent alliances (its ATOP partners not allied with the hegemon), and a
-- security hierarchy index in the spirit of Lake (2007, 2009): the mean of the min-max
-- normalised military presence and the inverted, min-max normalised independent alliances,
-- over the hegemon's partners of the year. Formulas in _hierarchy__docs.md. Measures that need
-- the troop data are null for every hegemon but the USA, outside the troop data's years and
-- where the host-year is not reported (a reported 0 is 0).

-- the troopdata release counts US deployments only
{% set troop_sender_ccode = 2 %}

with

partners as (

    select * from {{ ref('int_hegemon_partners_enumerated') }}

    where network = 'any_obligation'

),

partner_ties as (

    select * from {{ ref('int_hegemon_partner_ties_listed') }}

    where network = 'any_obligation'

),

dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

capabilities as (

    select * from {{ ref('fct_capability_year') }}

),

troops as (

    select * from {{ ref('int_troop_host_years_deduplicated') }}

),

bases as (

    select * from {{ ref('stg_troops__bases') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

troop_coverage as (

    select distinct first_source_year, last_source_year from troops

),

base_hosts as (

    select distinct ccode from bases where not is_us_home

),

tie_ends as (

    select hegemon_ccode, year, partner_ccode_a as partner_ccode from partner_ties
    union all
    select hegemon_ccode, year, partner_ccode_b as partner_ccode from partner_ties

),

ties_to_partners as (

    select
        hegemon_ccode,
        year,
        partner_ccode,
        count(*)::integer as n_allies_shared_with_hegemon

    from tie_ends

    group by hegemon_ccode, year, partner_ccode

),

joined as (

    select
        partners.hegemon_ccode,
        partners.partner_ccode,
        partners.year,
        countries.country_name as partner_name,
        partners.partner_region,
        coalesce(hegemon_to_partner.defense = 1, false) as is_defense_pledge_from_hegemon,
        coalesce(hegemon_to_partner.n_multilateral_alliances = 0, false) as is_bilateral_only,
        partners.partner_degree as n_partner_allies,
        coalesce(ties_to_partners.n_allies_shared_with_hegemon, 0)
            as n_allies_shared_with_hegemon,
        case
            when partners.hegemon_ccode <> {{ troop_sender_ccode }} then 'not_us_hegemon'
            when troop_coverage.first_source_year is null
                or partners.year not between troop_coverage.first_source_year
                and troop_coverage.last_source_year then 'outside_source_years'
            when troops.ccode is null then 'not_reported'
            else 'reported'
        end as troop_data_status,
        case
            when partners.hegemon_ccode = {{ troop_sender_ccode }} then troops.us_troops
        end as us_troops,
        capabilities.tpop as partner_tpop,
        case
            when partners.hegemon_ccode = {{ troop_sender_ccode }}
                then base_hosts.ccode is not null
        end as has_us_base_2015

    from partners

    left join dyad_years as hegemon_to_partner
        on partners.hegemon_ccode = hegemon_to_partner.ccode_a
        and partners.partner_ccode = hegemon_to_partner.ccode_b
        and partners.year = hegemon_to_partner.year

    left join ties_to_partners
        on partners.hegemon_ccode = ties_to_partners.hegemon_ccode
        and partners.year = ties_to_partners.year
        and partners.partner_ccode = ties_to_partners.partner_ccode

    left join countries
        on partners.partner_ccode = countries.ccode

    left join capabilities
        on partners.partner_ccode = capabilities.ccode
        and partners.year = capabilities.year

    left join troop_coverage
        on true

    left join troops
        on partners.partner_ccode = troops.ccode
        and partners.year = troops.year

    left join base_hosts
        on partners.partner_ccode = base_hosts.ccode

),

components as (

    select
        *,
        -- each partner's ties: one to the hegemon, some to its other partners, the rest
        -- independent of it
        n_partner_allies - 1 - n_allies_shared_with_hegemon as n_independent_alliances,
        us_troops::float8 / nullif(partner_tpop, 0) as us_troops_per_1000_inhabitants,
        ln(1 + us_troops::float8 / nullif(partner_tpop, 0)) as military_presence

    from joined

),

normalised as (

    -- min-max over the hegemon's partners of the year that have a military presence value
    select
        *,
        count(military_presence) over scored as n_partners_scored,
        (military_presence - min(military_presence) over scored)
            / nullif(max(military_presence) over scored - min(military_presence) over scored, 0)
            as military_presence_normalized,
        case when military_presence is not null then
            (n_independent_alliances - min(n_independent_alliances) over scored)::float8
            / nullif(max(n_independent_alliances) over scored
                - min(n_independent_alliances) over scored, 0)
        end as independent_alliances_normalized

    from components

    window scored as (partition by hegemon_ccode, year, military_presence is not null)

),

final as (

    select
        hegemon_ccode,
        partner_ccode,
        year,
        partner_name,
        partner_region,
        is_defense_pledge_from_hegemon,
        is_bilateral_only,
        n_partner_allies,
        n_allies_shared_with_hegemon,
        n_independent_alliances,
        troop_data_status,
        us_troops,
        partner_tpop,
        us_troops_per_1000_inhabitants,
        has_us_base_2015,
        military_presence,
        case when military_presence is not null then n_partners_scored end as n_partners_scored,
        military_presence_normalized,
        independent_alliances_normalized,
        (military_presence_normalized + (1 - independent_alliances_normalized)) / 2
            as security_hierarchy_index

    from normalised

)

select * from final
