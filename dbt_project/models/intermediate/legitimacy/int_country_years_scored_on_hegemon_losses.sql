-- One row per hegemon, country and calendar year with at least one vote (yes, no or abstain) on a roll
-- call the hegemon lost: how many such roll calls it voted on and on how many it cast the
-- hegemon's own vote (standing with the hegemon when the hegemon was in the minority).

with

roll_calls as (

    select * from {{ ref('int_roll_calls_classified_for_hegemon') }}

    where is_hegemon_losing

),

votes as (

    select * from {{ ref('fct_vote') }}

    where vote in ('yes', 'no', 'abstain')

),

final as (

    select
        roll_calls.hegemon_ccode,
        votes.ccode,
        roll_calls.year,
        count(*)::integer as n_joint_hegemon_losing,
        count(*) filter (where votes.vote = roll_calls.hegemon_vote)::integer
            as n_agree_hegemon_losing

    from roll_calls

    inner join votes
        on roll_calls.rcid = votes.rcid
        and roll_calls.hegemon_ccode <> votes.ccode

    group by roll_calls.hegemon_ccode, votes.ccode, roll_calls.year

)

select * from final
