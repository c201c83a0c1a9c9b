-- One row per roll call and hegemon (dbt var hegemon_ccodes) that voted yes or no on it: the
-- overall tally and whether the hegemon was on the losing side. The hegemon loses a roll call
-- when it voted yes and more states voted no than yes, or it voted no and more voted yes than
-- no (abstentions and absences do not count; a tie is not a loss). Special majorities (two
-- thirds on "important questions") are not modelled.

with

votes as (

    select * from {{ ref('fct_vote') }}

),

roll_calls as (

    select rcid, is_important from {{ ref('dim_roll_call') }}

),

tallies as (

    select
        rcid,
        count(*) filter (where vote = 'yes')::integer as n_yes,
        count(*) filter (where vote = 'no')::integer as n_no,
        count(*) filter (where vote = 'abstain')::integer as n_abstain

    from votes

    group by rcid

),

hegemon_votes as (

    select
        rcid,
        year,
        ccode as hegemon_ccode,
        vote as hegemon_vote

    from votes

    where ccode in (select hegemon_ccode from ({{ hegemons_values() }}) as hegemons)
        and vote in ('yes', 'no')

),

final as (

    select
        hegemon_votes.rcid,
        hegemon_votes.year,
        hegemon_votes.hegemon_ccode,
        hegemon_votes.hegemon_vote,
        tallies.n_yes,
        tallies.n_no,
        tallies.n_abstain,
        coalesce(roll_calls.is_important, false) as is_important,
        case hegemon_votes.hegemon_vote
            when 'yes' then tallies.n_no > tallies.n_yes
            when 'no' then tallies.n_yes > tallies.n_no
        end as is_hegemon_losing

    from hegemon_votes

    inner join tallies
        on hegemon_votes.rcid = tallies.rcid

    left join roll_calls
        on hegemon_votes.rcid = roll_calls.rcid

)

select * from final
