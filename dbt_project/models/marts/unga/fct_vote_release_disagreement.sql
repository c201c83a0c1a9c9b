with

votes as (

    select * from {{ ref('int_votes_reconciled') }}

),

disagreements as (

    select
        rcid,
        ccode,
        voeten_vote,
        unvotes_vote,
        vote as reconciled_vote,
        case
            when voeten_vote is null then 'only_in_unvotes'
            when unvotes_vote is null then 'missing_from_unvotes'
            else 'different_vote'
        end as disagreement_type

    from votes

    where
        is_in_newer_release
        and voeten_vote is distinct from unvotes_vote
        and not (unvotes_vote is null and voeten_vote in ('absent', 'non_member'))
        -- roll calls only the newer release has are additions, not disagreements
        and rcid in (select rcid from {{ ref('stg_unga__voeten_votes') }})

)

select * from disagreements
