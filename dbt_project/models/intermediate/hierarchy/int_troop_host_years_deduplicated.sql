-- One row per host (COW code, the USA itself excluded) and calendar year that the troopdata
-- file reports: US active duty troops there. A few host-years appear twice in the file under two
-- names (Czech Republic and Czechia, Swaziland and Eswatini...), one of the two reporting 0:
-- the larger figure is kept. The source's years (first_source_year to last_source_year) are
-- the years the file has at all: outside them every host-year is outside the source's domain.

with

troops as (

    select * from {{ ref('stg_troops__country_years') }}

    where not is_us_home

),

host_years as (

    select
        ccode,
        year,
        max(troops_ad)::integer as us_troops,
        bool_or(is_non_state_location) as is_non_state_location,
        count(*)::integer as n_source_rows,
        string_agg(host_name, ' / ' order by host_name) as host_names

    from troops

    group by ccode, year

),

coverage as (

    select
        min(year) as first_source_year,
        max(year) as last_source_year

    from troops

),

final as (

    select
        host_years.ccode,
        host_years.year,
        host_years.us_troops,
        host_years.is_non_state_location,
        host_years.n_source_rows,
        host_years.host_names,
        coverage.first_source_year,
        coverage.last_source_year

    from host_years

    cross join coverage

)

select * from final
