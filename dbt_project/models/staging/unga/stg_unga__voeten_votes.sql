with

source as (

    select * from {{ source('unga', 'unga_voeten_votes') }}

),

renamed as (

    select
        rcid,
        session,
        ccode,
        vote as vote_code,
        case vote
            when 1 then 'yes'
            when 2 then 'abstain'
            when 3 then 'no'
            when 8 then 'absent'
            when 9 then 'non_member'
        end as vote,
        member = 1 as is_member,
        importantvote = 1 as is_important,
        vote_date,
        unres as resolution,
        me = 1 as is_issue_me,
        nu = 1 as is_issue_nu,
        di = 1 as is_issue_di,
        hr = 1 as is_issue_hr,
        co = 1 as is_issue_co,
        ec = 1 as is_issue_ec,
        load_id,
        line_number

    from source

)

select * from renamed
