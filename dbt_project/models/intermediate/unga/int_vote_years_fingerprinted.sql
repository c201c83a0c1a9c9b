-- One row per calendar year of UNGA votes with a fingerprint of everything the vote marts read
-- for that year (both releases' votes and the roll calls' dates and importance). The
-- incremental vote models rebuild only the years whose fingerprint changed since the last
-- successful build (see the macro vote_years_to_rebuild and the model int_vote_years_built).
-- The fingerprint is order-independent: a sum of 64-bit row hashes, plus the row count.
-- A table, so that the incremental models compare against it without recomputing it.

{{ config(materialized='table') }}

with

voeten as (

    select rcid, ccode::text || ':' || vote as row_text
    from {{ ref('stg_unga__voeten_votes') }}

),

unvotes as (

    select rcid, country_code || ':' || country_name || ':' || vote as row_text
    from {{ ref('stg_unga__unvotes_votes') }}

),

roll_calls as (

    select
        rcid,
        extract(year from vote_date)::integer as year,
        vote_date::text || ':' || is_important::text as row_text

    from {{ ref('int_roll_calls_reconciled') }}

),

rows_by_year as (

    select roll_calls.year, 'v:' || voeten.row_text as row_text
    from voeten
    inner join roll_calls on voeten.rcid = roll_calls.rcid

    union all

    select roll_calls.year, 'u:' || unvotes.row_text
    from unvotes
    inner join roll_calls on unvotes.rcid = roll_calls.rcid

    union all

    select year, 'r:' || rcid::text || ':' || row_text
    from roll_calls

),

fingerprinted as (

    select
        year,
        count(*)::bigint as n_rows,
        count(*)::text || ':' || sum(hashtextextended(row_text, 0)::numeric)::text as fingerprint

    from rows_by_year

    group by year

)

select * from fingerprinted
