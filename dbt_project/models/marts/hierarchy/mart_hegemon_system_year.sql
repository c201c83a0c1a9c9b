-- One row per hegemon (dbt var hegemon_ccodes) and calendar year of ATOP: how the hegemon's
-- alliance system is built. Its treaty partners (any ATOP obligation either way), the density
-- of the ties among them with the hegemon left out and the hub-and-spoke index (1 - density),
-- for ties of any obligation and of defence only; the share of the partners' ties that run
-- through the hegemon; Freeman degree centralisation of the year's network and the hegemon's
-- degree and eigenvector centrality; the hegemon's share of its system's capabilities (CINC);
-- for the USA, troops abroad in partner and other states and the states hosting US bases.
-- Formulas in _hierarchy__docs.md. Missing is not zero: CINC is null outside the NMC years,
-- troops outside the troop data's years and for every hegemon but the USA.

-- the troopdata release counts US deployments only
{% set troop_sender_ccode = 2 %}

with

ties as (

    select * from {{ ref('int_alliance_ties_undirected') }}

),

partners as (

    select * from {{ ref('int_hegemon_partners_enumerated') }}

),

partner_ties as (

    select * from {{ ref('int_hegemon_partner_ties_listed') }}

),

degrees as (

    select * from {{ ref('int_alliance_network_degrees_counted') }}

),

eigenvectors as (

    select * from {{ ref('int_alliance_network_eigenvectors_iterated') }}

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

hegemons as (

    select unnest(array[{{ var('hegemon_ccodes') | join(', ') }}]::integer[]) as hegemon_ccode

),

years as (

    select generate_series(min(year), max(year))::integer as year

    from ties

),

frame as (

    select
        hegemons.hegemon_ccode,
        years.year

    from hegemons

    cross join years

),

partner_flags as (

    -- the hegemon's tie to each partner (any obligation): alliance structure and its pledge
    select
        partners.hegemon_ccode,
        partners.year,
        partners.partner_ccode,
        partners.partner_degree,
        coalesce(hegemon_to_partner.n_multilateral_alliances = 0, false) as is_bilateral_only,
        coalesce(hegemon_to_partner.defense = 1, false) as is_defense_pledge_from_hegemon

    from partners

    left join dyad_years as hegemon_to_partner
        on partners.hegemon_ccode = hegemon_to_partner.ccode_a
        and partners.partner_ccode = hegemon_to_partner.ccode_b
        and partners.year = hegemon_to_partner.year

    where partners.network = 'any_obligation'

),

partner_counts as (

    select
        partners.hegemon_ccode,
        partners.year,
        count(*) filter (where partners.network = 'any_obligation')::integer as n_partners,
        count(*) filter (where partners.network = 'defense')::integer as n_defense_partners,
        coalesce(sum(partners.partner_degree) filter (where partners.network = 'any_obligation'), 0)
            as sum_partner_degree

    from partners

    group by partners.hegemon_ccode, partners.year

),

flag_counts as (

    select
        hegemon_ccode,
        year,
        count(*) filter (where is_bilateral_only)::integer as n_bilateral_only_partners,
        count(*) filter (where is_defense_pledge_from_hegemon)::integer
            as n_defense_pledge_partners

    from partner_flags

    group by hegemon_ccode, year

),

tie_counts as (

    select
        hegemon_ccode,
        year,
        count(*) filter (where network = 'any_obligation')::integer as n_partner_ties,
        count(*) filter (where network = 'defense')::integer as n_defense_partner_ties

    from partner_ties

    group by hegemon_ccode, year

),

network_summary as (

    select
        network,
        year,
        max(n_states_in_network) as n_states_in_network,
        max(max_degree_in_network) as max_degree,
        sum(degree) as sum_degree

    from degrees

    group by network, year

),

capability_sums as (

    select
        partner_flags.hegemon_ccode,
        partner_flags.year,
        -- exact (numeric) sum: a float sum depends on the order a parallel plan adds in
        sum(capabilities.cinc::numeric)::float8 as partners_cinc,
        count(capabilities.cinc)::integer as n_partners_with_cinc

    from partner_flags

    inner join capabilities
        on partner_flags.partner_ccode = capabilities.ccode
        and partner_flags.year = capabilities.year

    group by partner_flags.hegemon_ccode, partner_flags.year

),

troop_coverage as (

    select distinct first_source_year, last_source_year from troops

),

troop_years as (

    -- over the host-years the troop data report; an unreported host adds nothing
    select
        troops.year,
        sum(troops.us_troops)::bigint as us_troops_abroad,
        coalesce(sum(troops.us_troops) filter (where partner_flags.partner_ccode is not null), 0)
            ::bigint as us_troops_in_partners,
        coalesce(sum(troops.us_troops) filter (
            where partner_flags.partner_ccode is null and not troops.is_non_state_location
        ), 0)::bigint as us_troops_in_non_partners,
        coalesce(sum(troops.us_troops) filter (where troops.is_non_state_location), 0)::bigint
            as us_troops_in_non_state_locations

    from troops

    left join partner_flags
        on troops.ccode = partner_flags.partner_ccode
        and troops.year = partner_flags.year
        and partner_flags.hegemon_ccode = {{ troop_sender_ccode }}

    group by troops.year

),

base_hosts as (

    select distinct ccode

    from bases

    where not is_us_home
        and ccode < 1000

),

base_partner_counts as (

    select
        partner_flags.hegemon_ccode,
        partner_flags.year,
        count(*)::integer as n_partners_hosting_base_2015

    from partner_flags

    inner join base_hosts
        on partner_flags.partner_ccode = base_hosts.ccode

    group by partner_flags.hegemon_ccode, partner_flags.year

),

joined as (

    select
        frame.hegemon_ccode,
        frame.year,
        countries.country_name as hegemon_name,
        coalesce(partner_counts.n_partners, 0) as n_partners,
        coalesce(flag_counts.n_bilateral_only_partners, 0) as n_bilateral_only_partners,
        coalesce(flag_counts.n_defense_pledge_partners, 0) as n_defense_pledge_partners,
        coalesce(tie_counts.n_partner_ties, 0) as n_partner_ties,
        coalesce(partner_counts.sum_partner_degree, 0) as sum_partner_degree,
        coalesce(partner_counts.n_defense_partners, 0) as n_defense_partners,
        coalesce(tie_counts.n_defense_partner_ties, 0) as n_defense_partner_ties,
        network_summary.n_states_in_network,
        network_summary.max_degree,
        network_summary.sum_degree,
        hegemon_degree.ccode is null as is_hegemon_outside_network,
        coalesce(hegemon_eigenvector.eigenvector_centrality, 0) as hegemon_eigenvector_centrality_or_zero,
        hegemon_eigenvector.eigenvector_last_step_change,
        hegemon_capabilities.cinc as hegemon_cinc,
        capability_sums.partners_cinc,
        coalesce(capability_sums.n_partners_with_cinc, 0) as n_partners_with_cinc,
        frame.hegemon_ccode = {{ troop_sender_ccode }}
            and frame.year between troop_coverage.first_source_year
            and troop_coverage.last_source_year as has_troop_data,
        case
            when frame.hegemon_ccode <> {{ troop_sender_ccode }} then 'not_us_hegemon'
            when frame.year between troop_coverage.first_source_year
                and troop_coverage.last_source_year then 'in_source_years'
            else 'outside_source_years'
        end as troop_data_status,
        troop_years.us_troops_abroad,
        troop_years.us_troops_in_partners,
        troop_years.us_troops_in_non_partners,
        troop_years.us_troops_in_non_state_locations,
        coalesce(base_partner_counts.n_partners_hosting_base_2015, 0)
            as n_partners_hosting_base_2015,
        (select count(*) from base_hosts)::integer as n_base_host_states_2015

    from frame

    left join countries
        on frame.hegemon_ccode = countries.ccode

    left join partner_counts
        on frame.hegemon_ccode = partner_counts.hegemon_ccode
        and frame.year = partner_counts.year

    left join flag_counts
        on frame.hegemon_ccode = flag_counts.hegemon_ccode
        and frame.year = flag_counts.year

    left join tie_counts
        on frame.hegemon_ccode = tie_counts.hegemon_ccode
        and frame.year = tie_counts.year

    left join network_summary
        on frame.year = network_summary.year
        and network_summary.network = 'any_obligation'

    left join degrees as hegemon_degree
        on frame.hegemon_ccode = hegemon_degree.ccode
        and frame.year = hegemon_degree.year
        and hegemon_degree.network = 'any_obligation'

    left join eigenvectors as hegemon_eigenvector
        on frame.hegemon_ccode = hegemon_eigenvector.ccode
        and frame.year = hegemon_eigenvector.year

    left join capabilities as hegemon_capabilities
        on frame.hegemon_ccode = hegemon_capabilities.ccode
        and frame.year = hegemon_capabilities.year

    left join capability_sums
        on frame.hegemon_ccode = capability_sums.hegemon_ccode
        and frame.year = capability_sums.year

    left join troop_coverage
        on true

    left join troop_years
        on frame.year = troop_years.year

    left join base_partner_counts
        on frame.hegemon_ccode = base_partner_counts.hegemon_ccode
        and frame.year = base_partner_counts.year

),

final as (

    select
        hegemon_ccode,
        year,
        hegemon_name,
        n_partners,
        n_bilateral_only_partners,
        n_defense_pledge_partners,
        n_partner_ties,
        n_partner_ties::float8 / nullif(n_partners * (n_partners - 1) / 2, 0)
            as partner_density,
        1 - n_partner_ties::float8 / nullif(n_partners * (n_partners - 1) / 2, 0)
            as hub_and_spoke_index,
        -- each partner's ties: one to the hegemon, some to other partners (each such tie is
        -- counted at both its ends in sum_partner_degree), the rest to outside states
        (sum_partner_degree - n_partners - 2 * n_partner_ties)::integer
            as n_partner_outside_ties,
        n_partners::float8 / nullif(sum_partner_degree - n_partner_ties, 0)
            as share_partner_ties_through_hegemon,
        n_defense_partners,
        n_defense_partner_ties,
        n_defense_partner_ties::float8
            / nullif(n_defense_partners * (n_defense_partners - 1) / 2, 0)
            as defense_partner_density,
        1 - n_defense_partner_ties::float8
            / nullif(n_defense_partners * (n_defense_partners - 1) / 2, 0)
            as defense_hub_and_spoke_index,
        n_states_in_network,
        (n_states_in_network * max_degree - sum_degree)::float8
            / nullif((n_states_in_network - 1) * (n_states_in_network - 2), 0)
            as degree_centralization,
        case
            when n_states_in_network is not null
                then n_partners::float8 / nullif(
                    n_states_in_network + is_hegemon_outside_network::integer - 1, 0
                )
        end as hegemon_degree_centrality,
        case
            when n_states_in_network is not null then hegemon_eigenvector_centrality_or_zero
        end as hegemon_eigenvector_centrality,
        eigenvector_last_step_change,
        hegemon_cinc,
        partners_cinc,
        n_partners_with_cinc,
        hegemon_cinc / nullif(hegemon_cinc + coalesce(partners_cinc, 0), 0) as hegemon_cinc_share,
        troop_data_status,
        case when has_troop_data then coalesce(us_troops_abroad, 0) end as us_troops_abroad,
        case when has_troop_data then coalesce(us_troops_in_partners, 0) end
            as us_troops_in_partners,
        case when has_troop_data then coalesce(us_troops_in_non_partners, 0) end
            as us_troops_in_non_partners,
        case when has_troop_data then coalesce(us_troops_in_non_state_locations, 0) end
            as us_troops_in_non_state_locations,
        case
            when has_troop_data
                then us_troops_in_partners::float8 / nullif(us_troops_abroad, 0)
        end as share_us_troops_in_partners,
        case
            when hegemon_ccode = {{ troop_sender_ccode }} then n_base_host_states_2015
        end as n_base_host_states_2015,
        case
            when hegemon_ccode = {{ troop_sender_ccode }} then n_partners_hosting_base_2015
        end as n_partners_hosting_base_2015

    from joined

)

select * from final
