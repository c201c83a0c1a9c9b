-- Ideal points over time of the hegemons and of their treaty allies.
--
-- One row per hegemon (dbt var hegemon_ccodes), series and UNGA session:
--   hegemon        the hegemon's own ideal point (vote set all);
--   treaty_allies  the mean ideal point of the states with an ATOP defence obligation toward
--                  the hegemon, or from it, in the session's year (ATOP 4.01 covers to 2016:
--                  later sessions have no treaty-ally row, not a zero).
-- Run: `alliances dbt compile -s hegemon_allies_ideal_points`; `alliances report` charts it.

{% set hegemons = var('hegemon_ccodes') %}

with

ideal_points as (

    select * from {{ ref('fct_country_session_ideal_point') }}
    where vote_set = 'all'

),

alliance_dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

countries as (

    select ccode, country_name from {{ ref('dim_country') }}

),

hegemons as (

    select unnest(array[{{ hegemons | join(', ') }}]::integer[]) as hegemon_ccode

),

treaty_allies as (

    select distinct
        hegemons.hegemon_ccode,
        alliance_dyad_years.year,
        case
            when alliance_dyad_years.ccode_a = hegemons.hegemon_ccode
                then alliance_dyad_years.ccode_b
            else alliance_dyad_years.ccode_a
        end as ccode

    from alliance_dyad_years

    inner join hegemons
        on hegemons.hegemon_ccode in (alliance_dyad_years.ccode_a, alliance_dyad_years.ccode_b)

    where alliance_dyad_years.defense = 1

),

hegemon_points as (

    select
        hegemons.hegemon_ccode,
        'hegemon' as series,
        ideal_points.session,
        ideal_points.session_year,
        1 as n_states,
        ideal_points.ideal_point as mean_ideal_point,
        ideal_points.standard_error as mean_standard_error

    from hegemons

    inner join ideal_points
        on hegemons.hegemon_ccode = ideal_points.ccode

),

ally_points as (

    select
        treaty_allies.hegemon_ccode,
        'treaty_allies' as series,
        ideal_points.session,
        ideal_points.session_year,
        count(*) as n_states,
        avg(ideal_points.ideal_point) as mean_ideal_point,
        avg(ideal_points.standard_error) as mean_standard_error

    from treaty_allies

    inner join ideal_points
        on
            treaty_allies.ccode = ideal_points.ccode
            and treaty_allies.year = ideal_points.session_year

    group by treaty_allies.hegemon_ccode, ideal_points.session, ideal_points.session_year

),

final as (

    select
        points.hegemon_ccode,
        countries.country_name as hegemon_name,
        points.series,
        points.session,
        points.session_year,
        points.n_states,
        points.mean_ideal_point,
        points.mean_standard_error

    from (
        select * from hegemon_points
        union all
        select * from ally_points
    ) as points

    left join countries
        on points.hegemon_ccode = countries.ccode

)

select * from final

order by hegemon_ccode, series, session
