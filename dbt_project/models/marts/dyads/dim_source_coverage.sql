-- One row per source of the dyad-year universe: the first and last calendar year it covers,
-- computed from the loaded data (nothing hard-coded), so that a new release moves the bounds by
-- itself. fct_dyad_year and fct_dyad_year_alliance_similarity read their NULL rule from here:
-- inside [first_year, last_year] a source's "none" is 0 (or false), outside it every value of
-- the source is null.

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

-- the roll calls, not the affinity facts: the same years, read at the start of the build, so
-- that the universe and the similarity, which wait for this model, need not wait for the vote
-- counts and their tests
roll_calls as (

    select * from {{ ref('dim_roll_call') }}

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

    union all

    -- the calendar years with UN General Assembly roll calls in either release
    select
        'unga',
        'UN General Assembly votes (Voeten; unvotes)',
        min(year),
        max(year)

    from roll_calls

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
