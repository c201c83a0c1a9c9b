-- One row per state and calendar year of COW National Material Capabilities: CINC and its six
-- components, each as a share of the system total that year, the state's CINC rank and
-- whether it was a COW major power. Formulas in _alliances__docs.md.

with

capabilities as (

    select * from {{ ref('stg_cow__capabilities') }}

),

major_powers as (

    select * from {{ ref('stg_cow__major_powers') }}

),

system_totals as (

    select
        year,
        sum(cinc) as total_cinc,
        sum(milex) as total_milex,
        sum(milper) as total_milper,
        sum(irst) as total_irst,
        sum(pec) as total_pec,
        sum(tpop) as total_tpop,
        sum(upop) as total_upop,
        count(cinc)::integer as n_states_with_cinc

    from capabilities

    group by year

),

majors_coverage as (

    -- the years the major-power list covers (1816-2016 in v2016); outside them the flag is null
    select
        min(extract(year from start_date))::integer as first_year,
        max(extract(year from end_date))::integer as last_year

    from major_powers

),

major_power_years as (

    -- a state is a major power in every year it held the status on at least one day
    select distinct
        major_powers.ccode,
        years.year

    from major_powers

    cross join lateral generate_series(
        extract(year from major_powers.start_date)::integer,
        extract(year from major_powers.end_date)::integer
    ) as years (year)

),

final as (

    select
        capabilities.ccode,
        capabilities.year,
        capabilities.milex,
        capabilities.milper,
        capabilities.irst,
        capabilities.pec,
        capabilities.tpop,
        capabilities.upop,
        capabilities.cinc,
        capabilities.cinc / nullif(system_totals.total_cinc, 0) as cinc_share,
        case when capabilities.cinc is not null then
            (rank() over (
                partition by capabilities.year order by capabilities.cinc desc nulls last
            ))::integer
        end as cinc_rank,
        system_totals.n_states_with_cinc,
        capabilities.milex / nullif(system_totals.total_milex, 0) as milex_share,
        capabilities.milper / nullif(system_totals.total_milper, 0) as milper_share,
        capabilities.irst / nullif(system_totals.total_irst, 0) as irst_share,
        capabilities.pec / nullif(system_totals.total_pec, 0) as pec_share,
        capabilities.tpop / nullif(system_totals.total_tpop, 0) as tpop_share,
        capabilities.upop / nullif(system_totals.total_upop, 0) as upop_share,
        case
            when capabilities.year between majors_coverage.first_year and majors_coverage.last_year
                then major_power_years.ccode is not null
        end as is_major_power

    from capabilities

    inner join system_totals
        on capabilities.year = system_totals.year

    cross join majors_coverage

    left join major_power_years
        on capabilities.ccode = major_power_years.ccode
        and capabilities.year = major_power_years.year

)

select * from final
