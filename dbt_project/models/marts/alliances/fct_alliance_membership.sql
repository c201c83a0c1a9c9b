-- One row per member x alliance phase spell as ATOP codes it (a member that leaves and rejoins
-- has one row per spell): entry and exit, the member's own obligations, and whether its code is
-- a COW state.

with

members as (

    select * from {{ ref('stg_atop__members') }}

),

countries as (

    select ccode from {{ ref('dim_country') }}

),

final as (

    select
        members.atopid,
        members.ccode,
        members.phase::integer as phase,
        members.entry_date,
        members.exit_date,
        members.entry_year,
        members.exit_year,
        members.exit_date is null as is_member_at_end_of_data,
        members.is_cow_system_member,
        countries.ccode is not null as is_cow_state,
        members.defense::integer as defense,
        members.offense::integer as offense,
        members.neutral::integer as neutral,
        members.nonagg::integer as nonagg,
        members.consul::integer as consul,
        members.active::integer as active,
        members.conditio::integer as conditio,
        members.asymm::integer as asymm,
        members.obvary::integer as obvary,
        members.milaid::integer as milaid,
        members.base::integer as base,
        members.subord::integer as subord,
        members.organ1::integer as organ1,
        members.atop_version

    from members

    left join countries
        on members.ccode = countries.ccode

)

select * from final
