{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_vote_years() }}",
    )
}}

-- depends_on: {{ ref('int_vote_years_fingerprinted') }}
-- Incremental by calendar year: a refresh rebuilds only the years whose inputs changed
-- (macro vote_years_to_rebuild); `alliances refresh --full` rebuilds everything.

with

votes as (

    select * from {{ ref('int_votes_reconciled') }}

),

roll_calls as (

    select rcid, session, vote_date from {{ ref('int_roll_calls_reconciled') }}

),

final as (

    select
        votes.rcid,
        votes.ccode,
        roll_calls.session,
        extract(year from roll_calls.vote_date)::integer as year,
        votes.vote,
        votes.source_release

    from votes

    inner join roll_calls
        on votes.rcid = roll_calls.rcid

    {% if is_incremental() %}
    where extract(year from roll_calls.vote_date)::integer in {{ vote_years_to_rebuild() }}
    {% endif %}

)

select * from final
