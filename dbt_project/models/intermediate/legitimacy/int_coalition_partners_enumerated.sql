-- One row per coalition and state other than the hegemon (dbt var hegemon_ccode) that could
-- have joined it: every state in the COW state system on the coalition's start date, every
-- state that voted in the UN General Assembly in its start year, every state allied with the
-- hegemon in ATOP that year, and every state the coalition lists. The comparison group of the
-- states that joined is therefore the states that did not.

{% set hegemon = var('hegemon_ccode') %}

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

    where ccode_a = {{ hegemon }}

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

hegemon_allies as (

    select
        coalition_years.coalition,
        alliance_dyads.ccode_b as ccode,
        'atop_alliance' as found_in

    from coalition_years

    inner join alliance_dyads
        on coalition_years.reference_year = alliance_dyads.year

),

listed as (

    select distinct
        coalition,
        ccode,
        'coalition_list' as found_in

    from members

),

candidates as (

    select * from in_system
    union all
    select * from un_voters
    union all
    select * from hegemon_allies
    union all
    select * from listed

),

final as (

    select
        candidates.coalition,
        {{ hegemon }}::integer as hegemon_ccode,
        candidates.ccode as partner_ccode,
        coalition_years.start_date,
        coalition_years.reference_year,
        bool_or(candidates.found_in = 'cow_system') as is_in_cow_system,
        string_agg(distinct candidates.found_in, '; ' order by candidates.found_in)
            as found_in

    from candidates

    inner join coalition_years
        on candidates.coalition = coalition_years.coalition

    where candidates.ccode <> {{ hegemon }}

    group by candidates.coalition, candidates.ccode, coalition_years.start_date,
        coalition_years.reference_year

)

select * from final
