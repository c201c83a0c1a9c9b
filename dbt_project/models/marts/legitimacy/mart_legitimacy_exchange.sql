-- One row per hegemon (dbt var hegemon_ccodes, default 2 = USA, 365 = Russia/USSR, 710 =
-- China), partner state and coalition:
-- the partner's formal ties to the hegemon when the coalition formed (ATOP obligations each way,
-- the provisions of the linked treaty texts), the capability ratio, its UN General Assembly
-- agreement with the hegemon in the window years before and after the coalition's start year
-- (all votes, important votes, the votes the hegemon lost) and whether and how it took part.
-- "How to read mart_legitimacy_exchange" in _legitimacy__docs.md.

with

partners as (

    select * from {{ ref('int_coalition_partners_enumerated') }}

),

pooled_votes as (

    select * from {{ ref('int_coalition_partner_votes_pooled') }}

),

coalitions as (

    select * from {{ ref('dim_coalition') }}

),

participation as (

    select * from {{ ref('fct_coalition_participation') }}

    where ccode is not null

),

alliance_dyads as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

capabilities as (

    select * from {{ ref('fct_capability_year') }}

),

treaties as (

    select * from {{ ref('dim_treaty') }}

    where atopid is not null

),

provisions as (

    select * from {{ ref('fct_treaty_provision') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

atop_coverage as (

    -- the years ATOP covers (1815-2018 in v4.01): outside them ties are unknown, not absent
    select
        min(year) as first_year,
        max(year) as last_year

    from alliance_dyads

),

participation_by_partner as (

    select
        coalition,
        ccode,
        string_agg(role, '; ' order by role) as roles,
        count(*)::integer as n_roles,
        bool_or(role not in ('listed_coalition', 'member')) as has_operational_role,
        min(joined_date) as first_joined_date,
        max(left_date) as last_left_date

    from participation

    group by coalition, ccode

),

treaty_provisions_by_atopid as (

    select
        treaties.atopid,
        string_agg(distinct treaties.treaty_id, '; ' order by treaties.treaty_id) as treaty_ids,
        bool_or(provisions.provision_type = 'collective_defence') as has_collective_defence,
        bool_or(provisions.provision_type = 'consultation') as has_consultation,
        coalesce(bool_or(provisions.binding = 'one_way'), false) as has_one_way_provision

    from treaties

    left join provisions
        on treaties.treaty_id = provisions.treaty_id

    group by treaties.atopid

),

dyad_treaties as (

    -- the treaty texts linked to the ATOP alliances that tie the hegemon to the partner
    select
        alliance_dyads.ccode_a,
        alliance_dyads.ccode_b,
        alliance_dyads.year,
        string_agg(treaty_provisions_by_atopid.treaty_ids, '; '
            order by treaty_provisions_by_atopid.treaty_ids) as linked_treaty_ids,
        coalesce(bool_or(treaty_provisions_by_atopid.has_collective_defence), false)
            as has_treaty_collective_defence,
        coalesce(bool_or(treaty_provisions_by_atopid.has_consultation), false)
            as has_treaty_consultation,
        bool_or(treaty_provisions_by_atopid.has_one_way_provision)
            as has_treaty_one_way_provision

    from alliance_dyads

    cross join lateral unnest(alliance_dyads.atopids) as dyad_atopids (atopid)

    inner join treaty_provisions_by_atopid
        on dyad_atopids.atopid = treaty_provisions_by_atopid.atopid

    group by alliance_dyads.ccode_a, alliance_dyads.ccode_b, alliance_dyads.year

),

joined as (

    select
        partners.hegemon_ccode,
        partners.partner_ccode,
        countries.country_name as partner_name,
        partners.coalition,
        coalitions.leader_ccode = partners.hegemon_ccode as is_led_by_hegemon,
        partners.start_date as coalition_start_date,
        partners.reference_year,
        partners.is_in_cow_system,
        partners.reference_year between atop_coverage.first_year and atop_coverage.last_year
            as is_in_atop_years,
        hegemon_to_partner.ccode_b is not null as has_atop_alliance,
        hegemon_to_partner.n_alliances,
        hegemon_to_partner.atopids,
        hegemon_to_partner.defense as h_defense,
        hegemon_to_partner.offense as h_offense,
        hegemon_to_partner.neutral as h_neutral,
        hegemon_to_partner.nonagg as h_nonagg,
        hegemon_to_partner.consul as h_consul,
        partner_to_hegemon.defense as p_defense,
        partner_to_hegemon.offense as p_offense,
        partner_to_hegemon.neutral as p_neutral,
        partner_to_hegemon.nonagg as p_nonagg,
        partner_to_hegemon.consul as p_consul,
        hegemon_to_partner.has_asymmetric_alliance,
        dyad_treaties.linked_treaty_ids,
        dyad_treaties.has_treaty_collective_defence,
        dyad_treaties.has_treaty_consultation,
        dyad_treaties.has_treaty_one_way_provision,
        hegemon_capabilities.cinc as hegemon_cinc,
        partner_capabilities.cinc as partner_cinc,
        pooled_votes.window_years,
        pooled_votes.n_vote_years_before,
        pooled_votes.n_joint_before,
        pooled_votes.agree_exact_before,
        pooled_votes.s_score_before,
        pooled_votes.n_joint_important_before,
        pooled_votes.agree_exact_important_before,
        pooled_votes.n_joint_hegemon_losing_before,
        pooled_votes.agree_hegemon_losing_before,
        pooled_votes.n_vote_years_after,
        pooled_votes.n_joint_after,
        pooled_votes.agree_exact_after,
        pooled_votes.s_score_after,
        pooled_votes.n_joint_important_after,
        pooled_votes.agree_exact_important_after,
        pooled_votes.n_joint_hegemon_losing_after,
        pooled_votes.agree_hegemon_losing_after,
        participation_by_partner.ccode is not null as is_participant,
        participation_by_partner.roles as participation_roles,
        coalesce(participation_by_partner.n_roles, 0) as n_participation_roles,
        coalesce(participation_by_partner.has_operational_role, false) as has_operational_role,
        participation_by_partner.first_joined_date,
        participation_by_partner.last_left_date

    from partners

    inner join coalitions
        on partners.coalition = coalitions.coalition

    cross join atop_coverage

    left join alliance_dyads as hegemon_to_partner
        on partners.hegemon_ccode = hegemon_to_partner.ccode_a
        and partners.partner_ccode = hegemon_to_partner.ccode_b
        and partners.reference_year = hegemon_to_partner.year

    left join alliance_dyads as partner_to_hegemon
        on partners.partner_ccode = partner_to_hegemon.ccode_a
        and partners.hegemon_ccode = partner_to_hegemon.ccode_b
        and partners.reference_year = partner_to_hegemon.year

    left join dyad_treaties
        on partners.hegemon_ccode = dyad_treaties.ccode_a
        and partners.partner_ccode = dyad_treaties.ccode_b
        and partners.reference_year = dyad_treaties.year

    left join capabilities as hegemon_capabilities
        on partners.hegemon_ccode = hegemon_capabilities.ccode
        and partners.reference_year = hegemon_capabilities.year

    left join capabilities as partner_capabilities
        on partners.partner_ccode = partner_capabilities.ccode
        and partners.reference_year = partner_capabilities.year

    left join pooled_votes
        on partners.coalition = pooled_votes.coalition
        and partners.hegemon_ccode = pooled_votes.hegemon_ccode
        and partners.partner_ccode = pooled_votes.partner_ccode

    left join participation_by_partner
        on partners.coalition = participation_by_partner.coalition
        and partners.partner_ccode = participation_by_partner.ccode

    left join countries
        on partners.partner_ccode = countries.ccode

),

-- within ATOP's years a state with no alliance has no obligation (0); outside them, unknown
obligations as (

    select
        *,
        case when is_in_atop_years then coalesce(h_defense, 0) end as defense_hegemon_to_partner,
        case when is_in_atop_years then coalesce(h_offense, 0) end as offense_hegemon_to_partner,
        case when is_in_atop_years then coalesce(h_neutral, 0) end as neutral_hegemon_to_partner,
        case when is_in_atop_years then coalesce(h_nonagg, 0) end as nonagg_hegemon_to_partner,
        case when is_in_atop_years then coalesce(h_consul, 0) end as consul_hegemon_to_partner,
        case when is_in_atop_years then coalesce(p_defense, 0) end as defense_partner_to_hegemon,
        case when is_in_atop_years then coalesce(p_offense, 0) end as offense_partner_to_hegemon,
        case when is_in_atop_years then coalesce(p_neutral, 0) end as neutral_partner_to_hegemon,
        case when is_in_atop_years then coalesce(p_nonagg, 0) end as nonagg_partner_to_hegemon,
        case when is_in_atop_years then coalesce(p_consul, 0) end as consul_partner_to_hegemon

    from joined

),

final as (

    select
        hegemon_ccode,
        partner_ccode,
        partner_name,
        coalition,
        is_led_by_hegemon,
        coalition_start_date,
        reference_year,
        is_in_cow_system,
        case when is_in_atop_years then has_atop_alliance end as has_atop_alliance,
        case when is_in_atop_years then
            defense_hegemon_to_partner = 1 or defense_partner_to_hegemon = 1
        end as is_treaty_ally,
        n_alliances,
        atopids,
        defense_hegemon_to_partner,
        offense_hegemon_to_partner,
        neutral_hegemon_to_partner,
        nonagg_hegemon_to_partner,
        consul_hegemon_to_partner,
        defense_partner_to_hegemon,
        offense_partner_to_hegemon,
        neutral_partner_to_hegemon,
        nonagg_partner_to_hegemon,
        consul_partner_to_hegemon,
        case
            when not is_in_atop_years then null
            else {{ defense_commitment('defense_hegemon_to_partner', 'defense_partner_to_hegemon') }}
        end as defense_commitment,
        case when has_atop_alliance then
            has_asymmetric_alliance
            or defense_hegemon_to_partner <> defense_partner_to_hegemon
            or offense_hegemon_to_partner <> offense_partner_to_hegemon
            or neutral_hegemon_to_partner <> neutral_partner_to_hegemon
            or nonagg_hegemon_to_partner <> nonagg_partner_to_hegemon
            or consul_hegemon_to_partner <> consul_partner_to_hegemon
        end as is_obligation_asymmetric,
        linked_treaty_ids,
        has_treaty_collective_defence,
        has_treaty_consultation,
        has_treaty_one_way_provision,
        hegemon_cinc,
        partner_cinc,
        {{ capability_ratio_columns('hegemon_cinc', 'partner_cinc') }},
        window_years,
        n_vote_years_before,
        n_joint_before,
        agree_exact_before,
        s_score_before,
        n_joint_important_before,
        agree_exact_important_before,
        n_joint_hegemon_losing_before,
        agree_hegemon_losing_before,
        n_vote_years_after,
        n_joint_after,
        agree_exact_after,
        s_score_after,
        n_joint_important_after,
        agree_exact_important_after,
        n_joint_hegemon_losing_after,
        agree_hegemon_losing_after,
        agree_exact_after - agree_exact_before as agree_exact_change,
        agree_exact_important_after - agree_exact_important_before
            as agree_exact_important_change,
        agree_hegemon_losing_after - agree_hegemon_losing_before as agree_hegemon_losing_change,
        is_participant,
        participation_roles,
        n_participation_roles,
        has_operational_role,
        first_joined_date,
        last_left_date

    from obligations

)

select * from final
