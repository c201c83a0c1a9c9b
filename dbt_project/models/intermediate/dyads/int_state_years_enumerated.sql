-- One row per COW state system member and calendar year in which it was a member on at least
-- one day (a state with several spells has one row per year, whatever the number of spells),
-- with the first and last day of its membership within that year and its CINC share of the
-- system that year (the members with a CINC; null without one, or outside the NMC years) and
-- whether it held COW major-power status on at least one day of the year (false outside the
-- major-power list's years too: the marts apply dim_source_coverage).

with

states as (

    select * from {{ ref('stg_cow__states') }}

),

capabilities as (

    select * from {{ ref('stg_cow__capabilities') }}

),

major_powers as (

    select * from {{ ref('stg_cow__major_powers') }}

),

major_power_years as (

    select distinct
        major_powers.ccode,
        years.year

    from major_powers

    cross join lateral generate_series(
        extract(year from major_powers.start_date)::integer,
        extract(year from major_powers.end_date)::integer
    ) as years (year)

),

spell_years as (

    select
        states.ccode,
        years.year,
        greatest(states.start_date, make_date(years.year, 1, 1)) as first_day,
        least(states.end_date, make_date(years.year, 12, 31)) as last_day

    from states

    cross join lateral generate_series(
        extract(year from states.start_date)::integer,
        extract(year from states.end_date)::integer
    ) as years (year)

),

state_years as (

    select
        ccode,
        year,
        min(first_day) as first_day,
        max(last_day) as last_day,
        count(*)::integer as n_spells_in_year

    from spell_years

    group by ccode, year

),

with_capabilities as (

    select
        state_years.ccode,
        state_years.year,
        state_years.first_day,
        state_years.last_day,
        state_years.n_spells_in_year,
        capabilities.cinc,
        capabilities.cinc / nullif(sum(capabilities.cinc) over (partition by state_years.year), 0)
            as cinc_share,
        major_power_years.ccode is not null as is_major_power

    from state_years

    left join major_power_years
        on state_years.ccode = major_power_years.ccode
        and state_years.year = major_power_years.year

    left join capabilities
        on state_years.ccode = capabilities.ccode
        and state_years.year = capabilities.year

)

select * from with_capabilities
