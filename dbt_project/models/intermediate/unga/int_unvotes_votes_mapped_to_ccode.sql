-- Maps each unvotes vote to a COW country code through the seed `unvotes_country_map`:
-- by ISO2 code where the release gives one, else by the country name, within the seed's
-- validity dates (one ISO2 code can stand for two COW states over time, e.g. Yemen).
-- An unmapped vote keeps a null ccode, which fails this model's not_null test.

with

votes as (

    select * from {{ ref('stg_unga__unvotes_votes') }}

),

roll_calls as (

    select * from {{ ref('stg_unga__unvotes_roll_calls') }}

),

country_map as (

    select * from {{ ref('unvotes_country_map') }}

),

mapped as (

    select
        votes.rcid,
        votes.country_code,
        votes.country_name,
        country_map.ccode,
        votes.vote,
        roll_calls.vote_date

    from votes

    left join roll_calls
        on votes.rcid = roll_calls.rcid

    left join country_map
        on coalesce(country_map.country_code, '') = votes.country_code
        and (votes.country_code <> '' or country_map.country_name = votes.country_name)
        and roll_calls.vote_date >= coalesce(country_map.valid_from, '-infinity'::date)
        and roll_calls.vote_date <= coalesce(country_map.valid_to, 'infinity'::date)

)

select * from mapped
