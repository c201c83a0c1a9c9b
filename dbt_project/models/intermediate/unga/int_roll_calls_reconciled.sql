-- One row per roll call from both releases: the newer release (unvotes, 2021) wins where it
-- has the roll call; Voeten's file supplies roll calls the newer release lacks.

with

unvotes_roll_calls as (

    select * from {{ ref('stg_unga__unvotes_roll_calls') }}

),

unvotes_issues as (

    select * from {{ ref('stg_unga__unvotes_roll_call_issues') }}

),

voeten_votes as (

    select * from {{ ref('stg_unga__voeten_votes') }}

),

unvotes_issue_flags as (

    select
        rcid,
        bool_or(issue_code = 'me') as is_issue_me,
        bool_or(issue_code = 'nu') as is_issue_nu,
        bool_or(issue_code = 'di') as is_issue_di,
        bool_or(issue_code = 'hr') as is_issue_hr,
        bool_or(issue_code = 'co') as is_issue_co,
        bool_or(issue_code = 'ec') as is_issue_ec

    from unvotes_issues

    group by rcid

),

voeten_roll_calls as (

    select
        rcid,
        min(session) as session,
        min(vote_date) as vote_date,
        min(resolution) as resolution,
        bool_or(is_important) as is_important,
        bool_or(is_issue_me) as is_issue_me,
        bool_or(is_issue_nu) as is_issue_nu,
        bool_or(is_issue_di) as is_issue_di,
        bool_or(is_issue_hr) as is_issue_hr,
        bool_or(is_issue_co) as is_issue_co,
        bool_or(is_issue_ec) as is_issue_ec

    from voeten_votes

    group by rcid

),

unvotes_with_flags as (

    select
        unvotes_roll_calls.*,
        coalesce(unvotes_issue_flags.is_issue_me, false) as is_issue_me,
        coalesce(unvotes_issue_flags.is_issue_nu, false) as is_issue_nu,
        coalesce(unvotes_issue_flags.is_issue_di, false) as is_issue_di,
        coalesce(unvotes_issue_flags.is_issue_hr, false) as is_issue_hr,
        coalesce(unvotes_issue_flags.is_issue_co, false) as is_issue_co,
        coalesce(unvotes_issue_flags.is_issue_ec, false) as is_issue_ec

    from unvotes_roll_calls

    left join unvotes_issue_flags
        on unvotes_roll_calls.rcid = unvotes_issue_flags.rcid

),

reconciled as (

    select
        coalesce(unvotes_with_flags.rcid, voeten_roll_calls.rcid) as rcid,
        coalesce(unvotes_with_flags.session, voeten_roll_calls.session) as session,
        coalesce(unvotes_with_flags.vote_date, voeten_roll_calls.vote_date) as vote_date,
        coalesce(unvotes_with_flags.resolution, voeten_roll_calls.resolution) as resolution,
        unvotes_with_flags.short_description,
        unvotes_with_flags.long_description,
        coalesce(unvotes_with_flags.is_important, voeten_roll_calls.is_important, false)
            as is_important,
        coalesce(unvotes_with_flags.is_amendment, false) as is_amendment,
        coalesce(unvotes_with_flags.is_paragraph, false) as is_paragraph,
        coalesce(unvotes_with_flags.is_issue_me, voeten_roll_calls.is_issue_me, false)
            as is_issue_me,
        coalesce(unvotes_with_flags.is_issue_nu, voeten_roll_calls.is_issue_nu, false)
            as is_issue_nu,
        coalesce(unvotes_with_flags.is_issue_di, voeten_roll_calls.is_issue_di, false)
            as is_issue_di,
        coalesce(unvotes_with_flags.is_issue_hr, voeten_roll_calls.is_issue_hr, false)
            as is_issue_hr,
        coalesce(unvotes_with_flags.is_issue_co, voeten_roll_calls.is_issue_co, false)
            as is_issue_co,
        coalesce(unvotes_with_flags.is_issue_ec, voeten_roll_calls.is_issue_ec, false)
            as is_issue_ec,
        case
            when unvotes_with_flags.rcid is not null and voeten_roll_calls.rcid is not null
                then 'both'
            when unvotes_with_flags.rcid is not null then 'unvotes'
            else 'voeten'
        end as in_releases

    from unvotes_with_flags

    full outer join voeten_roll_calls
        on unvotes_with_flags.rcid = voeten_roll_calls.rcid

)

select * from reconciled
