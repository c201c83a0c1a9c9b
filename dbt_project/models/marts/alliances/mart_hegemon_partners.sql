-- One row per partner and calendar year for the hegemon (dbt var hegemon_ccode, default 2 =
-- USA): every state that shared at least one ATOP alliance with the hegemon that year, with the
-- formal obligations in both directions, the hub-and-spokes structure of its tie, the capability
-- ratio and the partner's UN General Assembly voting affinity with the hegemon. Missing is not
-- zero: capabilities are null outside the NMC years, affinity outside the UNGA years.
-- Coalition columns: the partner's participation that year in coalitions the hegemon leads
-- (dim_coalition.leader_ccode), from the curated coalition lists.

{% set hegemon = var('hegemon_ccode') %}

with

dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

alliance_pairs as (

    select * from {{ ref('int_alliance_dyad_years_paired') }}

),

capabilities as (

    select * from {{ ref('fct_capability_year') }}

),

affinity as (

    select * from {{ ref('fct_dyad_year_affinity') }}

    where {{ hegemon }} in (ccode_a, ccode_b)
        and vote_set = 'all'  -- every reconciled roll call (issue 9 added the other vote sets)

),

countries as (

    select * from {{ ref('dim_country') }}

),

hegemon_to_partner as (

    select * from dyad_years

    where ccode_a = {{ hegemon }}

),

partner_to_hegemon as (

    select * from dyad_years

    where ccode_b = {{ hegemon }}

),

coalitions as (

    select * from {{ ref('dim_coalition') }}

    where leader_ccode = {{ hegemon }}

),

participation as (

    select * from {{ ref('fct_coalition_participation') }}

    where ccode is not null

),

coalition_spells as (

    -- a member is in a coalition from the year it joined (the coalition's start where the
    -- list gives no date) to the year it left or the coalition ended (open: to this day)
    select
        participation.ccode,
        participation.coalition,
        participation.role,
        coalesce(
            extract(year from participation.joined_date), extract(year from coalitions.start_date)
        )::integer as first_year,
        coalesce(
            extract(year from participation.left_date), extract(year from coalitions.end_date)
        )::integer as last_year

    from participation

    inner join coalitions
        on participation.coalition = coalitions.coalition

),

partner_coalitions as (

    select
        hegemon_to_partner.year,
        hegemon_to_partner.ccode_b as partner_ccode,
        count(distinct coalition_spells.coalition)::integer as n_hegemon_coalitions,
        string_agg(distinct coalition_spells.coalition, ', ') as hegemon_coalitions,
        string_agg(distinct coalition_spells.coalition || ':' || coalition_spells.role, ', ')
            as hegemon_coalition_roles

    from hegemon_to_partner

    inner join coalition_spells
        on hegemon_to_partner.ccode_b = coalition_spells.ccode
        and hegemon_to_partner.year >= coalition_spells.first_year
        and hegemon_to_partner.year <= coalesce(coalition_spells.last_year, 9999)

    group by hegemon_to_partner.year, hegemon_to_partner.ccode_b

),

partners_per_year as (

    select
        year,
        count(*)::integer as n_hegemon_partners

    from hegemon_to_partner

    group by year

),

hegemon_alliance_years as (

    select distinct
        atopid,
        year

    from alliance_pairs

    where ccode_a = {{ hegemon }}

),

partner_ties as (

    -- alliance ties between two partners of the hegemon ("spoke to spoke"), with whether at
    -- least one of the alliances tying them leaves the hegemon out
    select
        alliance_pairs.year,
        alliance_pairs.ccode_a as partner_ccode,
        alliance_pairs.ccode_b as other_partner_ccode,
        bool_or(hegemon_alliance_years.atopid is null) as is_tied_without_hegemon

    from alliance_pairs

    inner join hegemon_to_partner as partner_a
        on alliance_pairs.year = partner_a.year
        and alliance_pairs.ccode_a = partner_a.ccode_b

    inner join hegemon_to_partner as partner_b
        on alliance_pairs.year = partner_b.year
        and alliance_pairs.ccode_b = partner_b.ccode_b

    left join hegemon_alliance_years
        on alliance_pairs.atopid = hegemon_alliance_years.atopid
        and alliance_pairs.year = hegemon_alliance_years.year

    group by alliance_pairs.year, alliance_pairs.ccode_a, alliance_pairs.ccode_b

),

spokes as (

    select
        year,
        partner_ccode,
        count(*)::integer as n_other_partners_allied,
        count(*) filter (where is_tied_without_hegemon)::integer
            as n_other_partners_allied_without_hegemon

    from partner_ties

    group by year, partner_ccode

),

joined as (

    select
        hegemon_to_partner.ccode_a as hegemon_ccode,
        hegemon_to_partner.ccode_b as partner_ccode,
        hegemon_to_partner.year,
        countries.country_name as partner_name,
        hegemon_to_partner.n_alliances,
        hegemon_to_partner.atopids,
        hegemon_to_partner.n_bilateral_alliances,
        hegemon_to_partner.n_multilateral_alliances,
        hegemon_to_partner.defense as defense_hegemon_to_partner,
        hegemon_to_partner.offense as offense_hegemon_to_partner,
        hegemon_to_partner.neutral as neutral_hegemon_to_partner,
        hegemon_to_partner.nonagg as nonagg_hegemon_to_partner,
        hegemon_to_partner.consul as consul_hegemon_to_partner,
        partner_to_hegemon.defense as defense_partner_to_hegemon,
        partner_to_hegemon.offense as offense_partner_to_hegemon,
        partner_to_hegemon.neutral as neutral_partner_to_hegemon,
        partner_to_hegemon.nonagg as nonagg_partner_to_hegemon,
        partner_to_hegemon.consul as consul_partner_to_hegemon,
        partners_per_year.n_hegemon_partners,
        coalesce(spokes.n_other_partners_allied, 0) as n_other_partners_allied,
        coalesce(spokes.n_other_partners_allied_without_hegemon, 0)
            as n_other_partners_allied_without_hegemon,
        hegemon_capabilities.cinc as hegemon_cinc,
        partner_capabilities.cinc as partner_cinc,
        partner_capabilities.is_major_power as is_partner_major_power,
        affinity.n_joint as n_joint_hegemon,
        affinity.agree_exact as agree_exact_hegemon,
        affinity.agree_voeten as agree_voeten_hegemon,
        affinity.s_score as s_score_hegemon,
        affinity.cohen_kappa as cohen_kappa_hegemon,
        affinity.scott_pi as scott_pi_hegemon,
        affinity.agree_exact_important as agree_exact_important_hegemon,
        coalesce(partner_coalitions.n_hegemon_coalitions, 0) as n_hegemon_coalitions,
        partner_coalitions.hegemon_coalitions,
        partner_coalitions.hegemon_coalition_roles

    from hegemon_to_partner

    left join partner_to_hegemon
        on hegemon_to_partner.year = partner_to_hegemon.year
        and hegemon_to_partner.ccode_b = partner_to_hegemon.ccode_a

    inner join partners_per_year
        on hegemon_to_partner.year = partners_per_year.year

    left join spokes
        on hegemon_to_partner.year = spokes.year
        and hegemon_to_partner.ccode_b = spokes.partner_ccode

    left join countries
        on hegemon_to_partner.ccode_b = countries.ccode

    left join partner_coalitions
        on hegemon_to_partner.year = partner_coalitions.year
        and hegemon_to_partner.ccode_b = partner_coalitions.partner_ccode

    left join capabilities as hegemon_capabilities
        on hegemon_to_partner.ccode_a = hegemon_capabilities.ccode
        and hegemon_to_partner.year = hegemon_capabilities.year

    left join capabilities as partner_capabilities
        on hegemon_to_partner.ccode_b = partner_capabilities.ccode
        and hegemon_to_partner.year = partner_capabilities.year

    left join affinity
        on hegemon_to_partner.year = affinity.year
        and least(hegemon_to_partner.ccode_a, hegemon_to_partner.ccode_b) = affinity.ccode_a
        and greatest(hegemon_to_partner.ccode_a, hegemon_to_partner.ccode_b) = affinity.ccode_b

),

final as (

    select
        hegemon_ccode,
        partner_ccode,
        year,
        partner_name,
        n_alliances,
        atopids,
        n_bilateral_alliances,
        n_multilateral_alliances,
        case
            when n_multilateral_alliances = 0 then 'bilateral_only'
            when n_bilateral_alliances = 0 then 'multilateral_only'
            else 'bilateral_and_multilateral'
        end as tie_structure,
        n_multilateral_alliances = 0 as is_bilateral_only,
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
        {{ defense_commitment('defense_hegemon_to_partner', 'defense_partner_to_hegemon') }}
            as defense_commitment,
        n_hegemon_partners,
        n_other_partners_allied,
        n_other_partners_allied_without_hegemon,
        n_other_partners_allied::float8 / nullif(n_hegemon_partners - 1, 0)
            as share_other_partners_allied,
        hegemon_cinc,
        partner_cinc,
        {{ capability_ratio_columns('hegemon_cinc', 'partner_cinc') }},
        is_partner_major_power,
        n_joint_hegemon,
        agree_exact_hegemon,
        agree_voeten_hegemon,
        s_score_hegemon,
        cohen_kappa_hegemon,
        scott_pi_hegemon,
        agree_exact_important_hegemon,
        n_hegemon_coalitions,
        n_hegemon_coalitions > 0 as is_in_hegemon_coalition,
        hegemon_coalitions,
        hegemon_coalition_roles

    from joined

)

select * from final
