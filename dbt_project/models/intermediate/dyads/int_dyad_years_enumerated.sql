{{ config(materialized='table') }}

-- One row per directed dyad (ccode_a, ccode_b) and calendar year in which both states were COW
-- state system members on at least one common day, as peacesciencer's create_dyadyears() does:
-- every ordered pair of members in the year (Miller 2019), less the pairs whose memberships that
-- year never overlap on a single day (its "false dyads": e.g. Suriname enters on 25 November
-- 1975, the Republic of Vietnam leaves on 30 April 1975). A state with two spells in one year
-- (none in COW v2016) overlaps another state if any of its spells does.
-- A table: fct_dyad_year, int_alliance_ties_valued and the similarity read it (a view would
-- enumerate the pairs three times).

with

state_years as (

    select * from {{ ref('int_state_years_enumerated') }}

),

states as (

    select * from {{ ref('stg_cow__states') }}

),

pairs as (

    select
        state_a.ccode as ccode_a,
        state_b.ccode as ccode_b,
        state_a.year

    from state_years as state_a

    inner join state_years as state_b
        on state_a.year = state_b.year
        and state_a.ccode <> state_b.ccode
        and state_a.first_day <= state_b.last_day
        and state_b.first_day <= state_a.last_day

    where
        (state_a.n_spells_in_year = 1 and state_b.n_spells_in_year = 1)
        or exists (
            -- several spells in the year: the envelope may overlap where no spell does
            select 1
            from states as spell_a
            inner join states as spell_b
                on spell_a.start_date <= spell_b.end_date
                and spell_b.start_date <= spell_a.end_date
            where
                spell_a.ccode = state_a.ccode
                and spell_b.ccode = state_b.ccode
                and greatest(spell_a.start_date, spell_b.start_date)
                <= make_date(state_a.year, 12, 31)
                and least(spell_a.end_date, spell_b.end_date) >= make_date(state_a.year, 1, 1)
        )

)

select * from pairs
