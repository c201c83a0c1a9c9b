-- One row per ATOP alliance and calendar year in which it had members: how unequal the
-- members' capabilities were (leader's share, Herfindahl concentration, leader-to-mean-partner
-- ratio, over the members with a known CINC that year) and whether the obligations were
-- asymmetric. Formulas in _alliances__docs.md.

with

member_years as (

    select * from {{ ref('int_alliance_members_expanded_to_years') }}

),

capabilities as (

    select * from {{ ref('fct_capability_year') }}

),

members_with_capability as (

    select
        member_years.atopid,
        member_years.year,
        member_years.ccode,
        member_years.defense,
        member_years.offense,
        member_years.neutral,
        member_years.nonagg,
        member_years.consul,
        member_years.asymm,
        member_years.obvary,
        capabilities.cinc,
        capabilities.is_major_power

    from member_years

    left join capabilities
        on member_years.ccode = capabilities.ccode
        and member_years.year = capabilities.year

),

ranked as (

    select
        *,
        -- the leader: the largest CINC (ties: the smaller ccode); members without CINC last
        row_number() over (
            partition by atopid, year order by cinc desc nulls last, ccode
        ) as capability_order,
        sum(cinc) over (partition by atopid, year) as total_cinc

    from members_with_capability

),

alliance_years as (

    select
        atopid,
        year,
        count(*)::integer as n_members,
        count(cinc)::integer as n_members_with_cinc,
        max(total_cinc) as total_cinc,
        max(ccode) filter (where capability_order = 1 and cinc is not null) as leader_ccode,
        max(cinc) as leader_cinc,
        bool_or(is_major_power) filter (where capability_order = 1 and cinc is not null)
            as is_leader_major_power,
        sum(power(cinc / nullif(total_cinc, 0), 2)) as herfindahl,
        avg(cinc) filter (where capability_order > 1) as mean_partner_cinc,
        max(asymm) as asymm,
        max(obvary) as obvary,
        count(distinct concat_ws(',', defense, offense, neutral, nonagg, consul)) > 1
            as has_unequal_member_obligations

    from ranked

    group by atopid, year

),

final as (

    select
        atopid,
        year,
        n_members,
        n_members_with_cinc,
        n_members_with_cinc = n_members as is_capability_complete,
        leader_ccode,
        is_leader_major_power,
        leader_cinc,
        total_cinc,
        leader_cinc / nullif(total_cinc, 0) as leader_cinc_share,
        herfindahl,
        leader_cinc / nullif(mean_partner_cinc, 0) as leader_to_mean_partner_ratio,
        asymm,
        obvary,
        has_unequal_member_obligations,
        coalesce(asymm = 1 or obvary = 1 or has_unequal_member_obligations, false)
            as is_obligation_asymmetric

    from alliance_years

)

select * from final
