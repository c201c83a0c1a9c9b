-- One row per alliance, calendar year and directed pair of its members (a, b) in that year:
-- every ordered pair of distinct members of the alliance-year. The obligation flags are a's own
-- (member-level) obligations in that alliance, so a one-way guarantee stays one-way: the pair
-- (b, a) carries b's obligations. An alliance counts as bilateral in a year when it has exactly
-- two members that year (ATOP's bilat describes the treaty as signed: ANZUS stays multilateral
-- in ATOP after New Zealand's exit).

with

member_years as (

    select * from {{ ref('int_alliance_members_expanded_to_years') }}

),

alliance_sizes as (

    select
        atopid,
        year,
        count(*)::integer as n_members_in_year

    from member_years

    group by atopid, year

),

paired as (

    select
        member_a.atopid,
        member_a.year,
        member_a.ccode as ccode_a,
        member_b.ccode as ccode_b,
        member_a.defense,
        member_a.offense,
        member_a.neutral,
        member_a.nonagg,
        member_a.consul,
        member_a.is_bilateral,
        alliance_sizes.n_members_in_year,
        member_a.asymm

    from member_years as member_a

    inner join member_years as member_b
        on member_a.atopid = member_b.atopid
        and member_a.year = member_b.year
        and member_a.ccode <> member_b.ccode

    inner join alliance_sizes
        on member_a.atopid = alliance_sizes.atopid
        and member_a.year = alliance_sizes.year

)

select * from paired
