-- One row per hegemon (dbt var hegemon_ccodes, default 2 = USA, 365 = Russia/USSR, 710 =
-- China), other COW system member and calendar year in which both were in the system: a filter
-- of the directed dyad-year universe (int_dyad_years_directed: fct_dyad_year without the
-- ideal-point distance) with the hegemon as a, so partners (is_allied) and non-partners are
-- rows alike, with explicit zeros inside ATOP's years and nulls outside them
-- (dim_source_coverage). Each row has the formal obligations in both directions, the structure
-- of the tie (bilateral or multilateral; hub and spokes), the capability ratio, UN General
-- Assembly voting affinity with the hegemon and participation in the coalitions the hegemon
-- leads (dim_coalition.leader_ccode). Formulas in _alliances__docs.md.

{% set hegemons = var('hegemon_ccodes') | join(', ') %}

with

universe as (

    select * from {{ ref('int_dyad_years_directed') }}

    where ccode_a in ({{ hegemons }})

),

dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

    where ccode_a in ({{ hegemons }})

),

alliance_pairs as (

    select * from {{ ref('int_alliance_dyad_years_paired') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

coalitions as (

    select * from {{ ref('dim_coalition') }}

    where leader_ccode in ({{ hegemons }})

),

participation as (

    select * from {{ ref('fct_coalition_participation') }}

    where ccode is not null

),

hegemon_partners as (

    select
        ccode_a as hegemon_ccode,
        ccode_b as partner_ccode,
        year

    from universe

    where is_allied

),

coalition_spells as (

    -- a member is in a coalition from the year it joined (the coalition's start where the
    -- list gives no date) to the year it left or the coalition ended (open: to this day)
    select
        coalitions.leader_ccode as hegemon_ccode,
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
        universe.ccode_a as hegemon_ccode,
        universe.ccode_b as partner_ccode,
        universe.year,
        count(distinct coalition_spells.coalition)::integer as n_hegemon_coalitions,
        string_agg(distinct coalition_spells.coalition, ', ') as hegemon_coalitions,
        string_agg(distinct coalition_spells.coalition || ':' || coalition_spells.role, ', ')
            as hegemon_coalition_roles

    from universe

    inner join coalition_spells
        on universe.ccode_a = coalition_spells.hegemon_ccode
        and universe.ccode_b = coalition_spells.ccode
        and universe.year >= coalition_spells.first_year
        and universe.year <= coalesce(coalition_spells.last_year, 9999)

    group by universe.ccode_a, universe.ccode_b, universe.year

),

partners_per_year as (

    select
        hegemon_ccode,
        year,
        count(*)::integer as n_hegemon_partners

    from hegemon_partners

    group by hegemon_ccode, year

),

hegemon_alliance_years as (

    select distinct
        ccode_a as hegemon_ccode,
        atopid,
        year

    from alliance_pairs

    where ccode_a in ({{ hegemons }})

),

partner_ties as (

    -- alliance ties between a state (partner or not) and a partner of the hegemon, other than
    -- the hegemon itself, with whether at least one of the alliances tying them leaves the
    -- hegemon out ("spoke to spoke" for a partner)
    select
        other_partner.hegemon_ccode,
        alliance_pairs.year,
        alliance_pairs.ccode_a as partner_ccode,
        alliance_pairs.ccode_b as other_partner_ccode,
        bool_or(hegemon_alliance_years.atopid is null) as is_tied_without_hegemon

    from alliance_pairs

    inner join hegemon_partners as other_partner
        on alliance_pairs.year = other_partner.year
        and alliance_pairs.ccode_b = other_partner.partner_ccode
        and alliance_pairs.ccode_a <> other_partner.hegemon_ccode

    left join hegemon_alliance_years
        on other_partner.hegemon_ccode = hegemon_alliance_years.hegemon_ccode
        and alliance_pairs.atopid = hegemon_alliance_years.atopid
        and alliance_pairs.year = hegemon_alliance_years.year

    group by
        other_partner.hegemon_ccode, alliance_pairs.year, alliance_pairs.ccode_a,
        alliance_pairs.ccode_b

),

spokes as (

    select
        hegemon_ccode,
        year,
        partner_ccode,
        count(*)::integer as n_other_partners_allied,
        count(*) filter (where is_tied_without_hegemon)::integer
            as n_other_partners_allied_without_hegemon

    from partner_ties

    group by hegemon_ccode, year, partner_ccode

),

joined as (

    select
        universe.ccode_a as hegemon_ccode,
        universe.ccode_b as partner_ccode,
        universe.year,
        countries.country_name as partner_name,
        universe.is_allied,
        universe.n_alliances,
        case when universe.is_allied is not null
            then coalesce(dyad_years.atopids, array[]::integer[]) end as atopids,
        case when universe.is_allied is not null
            then coalesce(dyad_years.n_bilateral_alliances, 0) end as n_bilateral_alliances,
        case when universe.is_allied is not null
            then coalesce(dyad_years.n_multilateral_alliances, 0) end as n_multilateral_alliances,
        universe.defense_a_to_b as defense_hegemon_to_partner,
        universe.offense_a_to_b as offense_hegemon_to_partner,
        universe.neutral_a_to_b as neutral_hegemon_to_partner,
        universe.nonagg_a_to_b as nonagg_hegemon_to_partner,
        universe.consul_a_to_b as consul_hegemon_to_partner,
        universe.defense_b_to_a as defense_partner_to_hegemon,
        universe.offense_b_to_a as offense_partner_to_hegemon,
        universe.neutral_b_to_a as neutral_partner_to_hegemon,
        universe.nonagg_b_to_a as nonagg_partner_to_hegemon,
        universe.consul_b_to_a as consul_partner_to_hegemon,
        case when universe.is_allied is not null
            then coalesce(partners_per_year.n_hegemon_partners, 0) end as n_hegemon_partners,
        case when universe.is_allied is not null
            then coalesce(spokes.n_other_partners_allied, 0) end as n_other_partners_allied,
        case when universe.is_allied is not null
            then coalesce(spokes.n_other_partners_allied_without_hegemon, 0)
        end as n_other_partners_allied_without_hegemon,
        universe.cinc_a as hegemon_cinc,
        universe.cinc_b as partner_cinc,
        universe.is_major_power_b as is_partner_major_power,
        universe.unga_n_joint as n_joint_hegemon,
        universe.unga_agree_exact as agree_exact_hegemon,
        universe.unga_agree_voeten as agree_voeten_hegemon,
        universe.unga_s_score as s_score_hegemon,
        universe.unga_cohen_kappa as cohen_kappa_hegemon,
        universe.unga_scott_pi as scott_pi_hegemon,
        universe.unga_agree_exact_important as agree_exact_important_hegemon,
        coalesce(partner_coalitions.n_hegemon_coalitions, 0) as n_hegemon_coalitions,
        partner_coalitions.hegemon_coalitions,
        partner_coalitions.hegemon_coalition_roles

    from universe

    left join dyad_years
        on universe.ccode_a = dyad_years.ccode_a
        and universe.ccode_b = dyad_years.ccode_b
        and universe.year = dyad_years.year

    left join partners_per_year
        on universe.ccode_a = partners_per_year.hegemon_ccode
        and universe.year = partners_per_year.year

    left join spokes
        on universe.ccode_a = spokes.hegemon_ccode
        and universe.year = spokes.year
        and universe.ccode_b = spokes.partner_ccode

    left join countries
        on universe.ccode_b = countries.ccode

    left join partner_coalitions
        on universe.ccode_a = partner_coalitions.hegemon_ccode
        and universe.ccode_b = partner_coalitions.partner_ccode
        and universe.year = partner_coalitions.year

),

final as (

    select
        hegemon_ccode,
        partner_ccode,
        year,
        partner_name,
        is_allied,
        n_alliances,
        atopids,
        n_bilateral_alliances,
        n_multilateral_alliances,
        case
            when not is_allied then 'none'
            when n_multilateral_alliances = 0 then 'bilateral_only'
            when n_bilateral_alliances = 0 then 'multilateral_only'
            when is_allied then 'bilateral_and_multilateral'
        end as tie_structure,
        is_allied and n_multilateral_alliances = 0 as is_bilateral_only,
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
        case when is_allied is not null then
            {{ defense_commitment('defense_hegemon_to_partner', 'defense_partner_to_hegemon') }}
        end as defense_commitment,
        n_hegemon_partners,
        n_other_partners_allied,
        n_other_partners_allied_without_hegemon,
        -- the hegemon's partners other than this state: all of them for a non-partner
        n_other_partners_allied::float8
        / nullif(n_hegemon_partners - case when is_allied then 1 else 0 end, 0)
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
