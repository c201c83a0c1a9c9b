-- One row per ATOP alliance: dates, status, the alliance-level obligations and provisions
-- under ATOP's names and codes, a few decoded flags, and the number of members.

with

alliances as (

    select * from {{ ref('stg_atop__alliances') }}

),

members as (

    select * from {{ ref('stg_atop__members') }}

),

member_counts as (

    select
        atopid,
        count(distinct ccode)::integer as n_members

    from members

    group by atopid

),

final as (

    select
        alliances.atopid,
        alliances.begin_date,
        alliances.end_date,
        alliances.begin_year,
        alliances.end_year,
        alliances.is_in_effect,
        alliances.is_bilateral,
        coalesce(member_counts.n_members, 0) as n_members,
        alliances.max_phase::integer as max_phase,
        alliances.is_wartime,
        alliances.defense::integer as defense,
        alliances.offense::integer as offense,
        alliances.neutral::integer as neutral,
        alliances.nonagg::integer as nonagg,
        alliances.consul::integer as consul,
        alliances.active::integer as active,
        alliances.conditio::integer as conditio,
        alliances.defcon::integer as defcon,
        alliances.offcon::integer as offcon,
        alliances.neucon::integer as neucon,
        alliances.concon::integer as concon,
        alliances.asymm::integer as asymm,
        alliances.milaid::integer as milaid,
        alliances.base::integer as base,
        alliances.subord::integer as subord,
        alliances.organ1::integer as organ1,
        alliances.organ2::integer as organ2,
        alliances.milcon::integer as milcon,
        alliances.intcom::integer as intcom,
        alliances.contrib::integer as contrib,
        alliances.armred::integer as armred,
        alliances.ecaid::integer as ecaid,
        alliances.specthrt::integer as specthrt,
        alliances.milinst::integer as milinst,
        alliances.estmode::integer as estmode,
        alliances.pubsecr::integer as pubsecr,
        alliances.secrart::integer as secrart,
        alliances.conditio = 1 as is_conditional,
        alliances.asymm = 1 as is_asymmetric,
        alliances.milaid > 0 as has_military_aid,
        alliances.base > 0 as has_bases,
        alliances.subord > 0 as has_subordination,
        alliances.organ1 > 0 as has_organisation,
        case alliances.pubsecr
            when 0 then 'public'
            when 1 then 'secret_provisions'
            when 2 then 'secret'
        end as publicity,
        alliances.atop_version,
        alliances.atop_attributes

    from alliances

    left join member_counts
        on alliances.atopid = member_counts.atopid

)

select * from final
