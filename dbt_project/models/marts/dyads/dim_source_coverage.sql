-- One row per source of the dyad-year universe: the first and last calendar year it covers,
-- computed from the loaded data (nothing hard-coded), so that a new release moves the bounds by
-- itself. fct_dyad_year and fct_dyad_year_alliance_similarity read their NULL rule from here
-- (the similarity, which needs no UN votes, from int_source_years_spanned, the rows here of
-- the other sources): inside [first_year, last_year] a source's "none" is 0 (or false), outside
-- it every value of the source is null.

with

other_sources as (

    select * from {{ ref('int_source_years_spanned') }}

),

-- the roll calls, not the affinity facts: the same years, read at the start of the build, so
-- that the universe, which waits for this model, need not wait for the vote counts and their
-- tests
roll_calls as (

    select * from {{ ref('dim_roll_call') }}

),

final as (

    select source, source_name, first_year, last_year

    from other_sources

    union all

    -- the calendar years with UN General Assembly roll calls in either release
    select
        'unga',
        'UN General Assembly votes (Voeten; unvotes)',
        min(year)::integer,
        max(year)::integer

    from roll_calls

)

select * from final
