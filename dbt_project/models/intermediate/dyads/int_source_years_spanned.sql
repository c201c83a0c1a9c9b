{{ config(materialized='table') }}

-- One row per source of the dyad-year universe other than the UN votes (COW state system,
-- ATOP, COW NMC, COW major powers): the first and last calendar year it covers, computed from
-- the loaded data. dim_source_coverage adds the UN votes' row; fct_dyad_year_alliance_similarity
-- reads its bounds from here, so that a new UNGA session, which moves none of these, does not
-- rebuild the similarity.

with

state_years as (

    select * from {{ ref('int_state_years_enumerated') }}

),

alliance_member_years as (

    select * from {{ ref('int_alliance_members_expanded_to_years') }}

),

alliances as (

    select * from {{ ref('stg_atop__alliances') }}

),

capabilities as (

    select * from {{ ref('stg_cow__capabilities') }}

),

major_powers as (

    select * from {{ ref('stg_cow__major_powers') }}

),

coverage as (

    select
        'cow_states' as source,
        'COW State System Membership' as source_name,
        min(year) as first_year,
        max(year) as last_year

    from state_years

    union all

    -- the years of the version's member-level file, as int_alliance_members_expanded_to_years
    -- expands them (an open membership runs to the version's last year)
    select
        'atop',
        'ATOP alliance obligations (Leeds et al.) v' || coalesce(
            (select max(atop_version) from alliances), '?'
        ),
        min(year),
        max(year)

    from alliance_member_years

    union all

    select
        'cow_nmc',
        'COW National Material Capabilities',
        min(year),
        max(year)

    from capabilities

    union all

    select
        'cow_majors',
        'COW major powers',
        min(extract(year from start_date))::integer,
        max(extract(year from end_date))::integer

    from major_powers

),

final as (

    select
        source,
        source_name,
        first_year::integer as first_year,
        last_year::integer as last_year

    from coverage

)

select * from final
