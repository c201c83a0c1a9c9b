-- One row per alliance, member and calendar year in which the member belonged to the alliance
-- at some point of the year (ATOP's year-level convention: a member that enters or leaves in a
-- year counts as a member for that whole year). A membership still running at the end of the
-- data (yrexit 0) runs to the last year the ATOP version covers. The member's obligations are
-- the maximum over its spells that year, so in the year an alliance changes phase the member
-- carries the obligations of both phases.

with

members as (

    select * from {{ ref('stg_atop__members') }}

),

coverage as (

    -- the last year of the data: the version's documented end (ATOP 3.x: 2003, 4.x: 2016,
    -- 5.x: 2018), or the latest year the file itself mentions if that is later or unknown
    select
        greatest(
            max(
                case
                    when atop_version like '3.%' then 2003
                    when atop_version like '4.%' then 2016
                    when atop_version like '5.%' then 2018
                end
            ),
            max(greatest(entry_year, exit_year))
        ) as last_year

    from members

),

spell_years as (

    select
        members.atopid,
        members.ccode,
        members.phase,
        members.is_bilateral,
        members.is_cow_system_member,
        members.defense,
        members.offense,
        members.neutral,
        members.nonagg,
        members.consul,
        members.asymm,
        members.obvary,
        years.year

    from members

    cross join coverage

    cross join lateral generate_series(
        members.entry_year, coalesce(members.exit_year, coverage.last_year)
    ) as years (year)

),

final as (

    select
        atopid,
        ccode,
        year,
        max(defense)::integer as defense,
        max(offense)::integer as offense,
        max(neutral)::integer as neutral,
        max(nonagg)::integer as nonagg,
        max(consul)::integer as consul,
        max(asymm)::integer as asymm,
        max(obvary)::integer as obvary,
        bool_or(is_bilateral) as is_bilateral,
        bool_or(is_cow_system_member) as is_cow_system_member,
        count(distinct phase)::integer as n_phases_in_year

    from spell_years

    group by atopid, ccode, year

)

select * from final
