{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_vote_years() }}",
        post_hook="{{ allow_parallel_workers() }}",
    )
}}

-- depends_on: {{ ref('int_vote_years_fingerprinted') }}
-- One row per country and calendar year: the country's votes that year packed into three bit
-- strings over the year's roll calls in rcid order (bit i = roll call i), OR-ing the one-hot
-- bits of the roll calls it voted yes / abstain / no on. Dyadic measures are then bitwise ANDs
-- and bit_count()s instead of a self-join of every vote on rcid.
-- Countries enter a year when they cast at least one yes, no or abstain vote in it.
-- The table is small (one row per country-year) but each row meets ~100 others in
-- fct_dyad_year_affinity: allow_parallel_workers() lets PostgreSQL share that join between
-- workers, which it would not do by itself for a table this size.

with

votes as (

    select * from {{ ref('fct_vote') }}

),

roll_calls as (

    select * from {{ ref('int_roll_calls_positioned_in_year') }}

),

year_masks as (

    select
        year,
        max(n_roll_calls) as n_roll_calls,
        coalesce(
            bit_or(position_bit) filter (where is_important),
            repeat('0', max(n_roll_calls))::varbit
        ) as important_mask

    from roll_calls

    {% if is_incremental() %}
    where year in {{ vote_years_to_rebuild() }}
    {% endif %}

    group by year

),

packed as (

    select
        votes.year,
        votes.ccode,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'yes') as yes_bits,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'abstain') as abstain_bits,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'no') as no_bits

    from votes

    inner join roll_calls
        on votes.rcid = roll_calls.rcid

    where
        votes.vote in ('yes', 'no', 'abstain')
        {% if is_incremental() %}
        and votes.year in {{ vote_years_to_rebuild() }}
        {% endif %}

    group by votes.year, votes.ccode

),

filled as (

    select
        packed.year,
        packed.ccode,
        year_masks.n_roll_calls,
        -- bit_or() returns type bit; varbit keeps each string's own length when cast
        coalesce(packed.yes_bits, repeat('0', year_masks.n_roll_calls)::varbit)::varbit
            as yes_bits,
        coalesce(packed.abstain_bits, repeat('0', year_masks.n_roll_calls)::varbit)::varbit
            as abstain_bits,
        coalesce(packed.no_bits, repeat('0', year_masks.n_roll_calls)::varbit)::varbit
            as no_bits,
        year_masks.important_mask::varbit as important_mask

    from packed

    inner join year_masks
        on packed.year = year_masks.year

),

final as (

    -- Every string fct_dyad_year_affinity ANDs with another country's, built once per
    -- country-year rather than once per dyad. Concatenating three one-hot strings lets one
    -- bit_count() add up three cells of the dyad's table: choice_bits & choice_bits counts the
    -- roll calls with the same vote, yes_no_bits & no_yes_bits those with opposite votes.
    select
        year,
        ccode,
        n_roll_calls,
        yes_bits,
        abstain_bits,
        no_bits,
        (yes_bits | abstain_bits | no_bits)::varbit as voted_bits,
        (yes_bits || abstain_bits || no_bits)::varbit as choice_bits,
        (yes_bits || no_bits)::varbit as yes_no_bits,
        (no_bits || yes_bits)::varbit as no_yes_bits,
        important_mask,
        ((yes_bits | abstain_bits | no_bits) & important_mask)::varbit as important_voted_bits,
        (
            (yes_bits & important_mask)
            || (abstain_bits & important_mask)
            || (no_bits & important_mask)
        )::varbit as important_choice_bits

    from filled

)

select * from final
