-- One vote per (rcid, ccode) from both releases. The newer release (unvotes, 2021) wins: its
-- vote where it has a row. It drops absent and non-member rows, so for a roll call it covers, a
-- country missing from it did not vote: Voeten's absent/non-member code stands, and a Voeten
-- yes/no/abstain becomes 'absent' (listed in fct_vote_release_disagreement).

with

voeten as (

    select rcid, ccode, vote from {{ ref('stg_unga__voeten_votes') }}

),

unvotes as (

    select rcid, ccode, vote from {{ ref('int_unvotes_votes_mapped_to_ccode') }}

),

unvotes_roll_calls as (

    select rcid from {{ ref('stg_unga__unvotes_roll_calls') }}

),

joined as (

    select
        coalesce(unvotes.rcid, voeten.rcid) as rcid,
        coalesce(unvotes.ccode, voeten.ccode) as ccode,
        voeten.vote as voeten_vote,
        unvotes.vote as unvotes_vote,
        unvotes_roll_calls.rcid is not null as is_in_newer_release

    from unvotes

    full outer join voeten
        on unvotes.rcid = voeten.rcid
        and unvotes.ccode = voeten.ccode

    left join unvotes_roll_calls
        on coalesce(unvotes.rcid, voeten.rcid) = unvotes_roll_calls.rcid

),

reconciled as (

    select
        rcid,
        ccode,
        case
            when unvotes_vote is not null then unvotes_vote
            when is_in_newer_release and voeten_vote in ('yes', 'no', 'abstain') then 'absent'
            else voeten_vote
        end as vote,
        case
            when unvotes_vote is not null then 'unvotes_2021'
            when is_in_newer_release and voeten_vote in ('yes', 'no', 'abstain')
                then 'unvotes_2021'
            else 'voeten'
        end as source_release,
        voeten_vote,
        unvotes_vote,
        is_in_newer_release

    from joined

)

select * from reconciled
