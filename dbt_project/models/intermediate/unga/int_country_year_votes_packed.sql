-- One row per country and calendar year: the country's votes that year packed into three bit
-- strings over the year's roll calls in rcid order (bit i = roll call i). Dyadic measures are
-- then bitwise ANDs and bit_count()s instead of a self-join of every vote on rcid.
-- Countries enter a year when they cast at least one yes, no or abstain vote in it.

with

votes as (

    select * from {{ ref('fct_vote') }}

),

roll_calls as (

    select * from {{ ref('dim_roll_call') }}

),

indexed_roll_calls as (

    select
        rcid,
        year,
        is_important,
        (row_number() over (partition by year order by rcid) - 1)::integer as position_in_year

    from roll_calls

),

year_masks as (

    select
        year,
        count(*)::integer as n_roll_calls,
        string_agg(case when is_important then '1' else '0' end, '' order by position_in_year)::varbit
            as important_mask

    from indexed_roll_calls

    group by year

),

country_years as (

    select distinct
        year,
        ccode

    from votes

    where vote in ('yes', 'no', 'abstain')

),

grid as (

    select
        country_years.year,
        country_years.ccode,
        indexed_roll_calls.position_in_year,
        votes.vote

    from country_years

    inner join indexed_roll_calls
        on country_years.year = indexed_roll_calls.year

    left join votes
        on indexed_roll_calls.rcid = votes.rcid
        and country_years.ccode = votes.ccode

),

packed as (

    select
        year,
        ccode,
        string_agg(case when vote = 'yes' then '1' else '0' end, '' order by position_in_year)::varbit
            as yes_bits,
        string_agg(case when vote = 'abstain' then '1' else '0' end, '' order by position_in_year)::varbit
            as abstain_bits,
        string_agg(case when vote = 'no' then '1' else '0' end, '' order by position_in_year)::varbit
            as no_bits

    from grid

    group by year, ccode

),

final as (

    select
        packed.year,
        packed.ccode,
        year_masks.n_roll_calls,
        packed.yes_bits,
        packed.abstain_bits,
        packed.no_bits,
        year_masks.important_mask

    from packed

    inner join year_masks
        on packed.year = year_masks.year

)

select * from final
