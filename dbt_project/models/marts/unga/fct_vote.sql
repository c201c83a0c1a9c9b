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

)

select * from final
