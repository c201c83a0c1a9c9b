with

roll_calls as (

    select * from {{ ref('int_roll_calls_reconciled') }}

),

final as (

    select
        rcid,
        session,
        vote_date,
        extract(year from vote_date)::integer as year,
        resolution,
        short_description,
        long_description,
        is_important,
        is_amendment,
        is_paragraph,
        is_issue_me,
        is_issue_nu,
        is_issue_di,
        is_issue_hr,
        is_issue_co,
        is_issue_ec,
        in_releases

    from roll_calls

)

select * from final
