-- One row per coalition, hegemon (dbt var hegemon_ccodes) and state other than that hegemon
-- that could have joined the coalition: every state in the COW state system on the coalition's
-- start date, every state that voted in the UN General Assembly in its start year, every state
-- allied with the hegemon in ATOP that year, and every state the coalition lists. The
-- comparison group of the states that joined is therefore the states that did not.

with

coalitions as (

    select * from {{ ref('stg_coalitions__coalitions') }}

),

members as (

    select * from {{ ref('stg_coalitions__coalition_members') }}

    where ccode is not null

),

state_periods as (

    select * from {{ ref('stg_cow__states') }}

),

votes as (

    select * from {{ ref('fct_vote') }}

    where vote in ('yes', 'no', 'abstain')

),

alliance_dyads as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

hegemons as (

    {{ hegemons_values() }}

),

coalition_years as (

    select
        coalition,
        start_date,
        extract(year from start_date)::integer as reference_year

    from coalitions

),

in_system as (

    select
        coalition_years.coalition,
        state_periods.ccode,
        'cow_system' as found_in

    from coalition_years

    inner join state_periods
        on coalition_years.start_date between state_periods.start_date and state_periods.end_date

),

un_voters as (

    select distinct
        coalition_years.coalition,
        votes.ccode,
        'unga_votes' as found_in

    from coalition_years

    inner join votes
        on coalition_years.reference_year = votes.year

),

listed as (

    select distinct
        coalition,
        ccode,
        'coalition_list' as found_in

    from members

),

hegemon_allies as (

    select
        coalition_years.coalition,
        hegemons.hegemon_ccode,
        alliance_dyads.ccode_b as ccode,
        'atop_alliance' as found_in

    from coalition_years

    cross join hegemons

    inner join alliance_dyads
        on coalition_years.reference_year = alliance_dyads.year
        and hegemons.hegemon_ccode = alliance_dyads.ccode_a

),

candidates as (

    -- the states found whichever the hegemon, once for each hegemon
    select shared.coalition, hegemons.hegemon_ccode, shared.ccode, shared.found_in
    from (
        select * from in_system
        union all
        select * from un_voters
        union all
        select * from listed
    ) as shared
    cross join hegemons

    union all

    select * from hegemon_allies

),

final as (

    select
        candidates.coalition,
        candidates.hegemon_ccode,
        candidates.ccode as partner_ccode,
        coalition_years.start_date,
        coalition_years.reference_year,
        bool_or(candidates.found_in = 'cow_system') as is_in_cow_system,
        string_agg(distinct candidates.found_in, '; ' order by candidates.found_in)
            as found_in

    from candidates

    inner join coalition_years
        on candidates.coalition = coalition_years.coalition

    where candidates.ccode <> candidates.hegemon_ccode

    group by candidates.coalition, candidates.hegemon_ccode, candidates.ccode,
        coalition_years.start_date, coalition_years.reference_year

)

select * from final
