with

members as (

    select * from {{ ref('stg_coalitions__coalition_members') }}

),

final as (

    select
        coalition,
        member_key,
        member_kind,
        ccode,
        org_code,
        member_name,
        role,
        joined_date,
        joined_precision,
        left_date,
        left_precision,
        source_citation,
        source_url,
        note

    from members

)

select * from final
