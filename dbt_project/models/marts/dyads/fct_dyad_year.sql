{{ config(materialized='view') }}

-- The dyad-year universe: one row per directed dyad (ccode_a, ccode_b) and calendar year of COW
-- state system members that were both in the system on at least one common day of the year
-- (peacesciencer's create_dyadyears()), with the pair's ATOP obligations in both directions,
-- capabilities, major-power status, UN voting affinity and ideal-point distance. Missing is not
-- zero: every source's columns are null outside that source's years (dim_source_coverage) and
-- 0 / false inside them where the source has no row for the pair. Formulas in _dyads__docs.md.
--
-- A view: the directed rows of int_dyad_years_directed (the table int_dyad_years_joined, built
-- once per pair, read as it is and swapped) with the ideal-point distance of the UNGA session
-- that opened in the year (fct_dyad_session_ideal_point_distance, vote set `all`, one row per
-- pair with the smaller code first). A filter on ccode_a or ccode_b reaches both halves of the
-- directed view, so `where ccode_a = 2` reads only the USA's pairs.

with

directed as (

    select * from {{ ref('int_dyad_years_directed') }}

),

-- Ideal points (etl/ideal_points.py) of the session that opened in the year, vote set `all`.
ideal_point_distances as (

    select * from {{ ref('fct_dyad_session_ideal_point_distance') }}

    where vote_set = 'all'

),

final as (

    select
        directed.*,
        ideal_point_distances.ideal_point_distance

    from directed

    left join ideal_point_distances
        on directed.year = ideal_point_distances.session_year
        and least(directed.ccode_a, directed.ccode_b) = ideal_point_distances.ccode_a
        and greatest(directed.ccode_a, directed.ccode_b) = ideal_point_distances.ccode_b

)

select * from final
