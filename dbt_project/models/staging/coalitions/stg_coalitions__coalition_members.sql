with

source as (

    select * from {{ source('coalitions', 'coalition_members') }}

),

renamed as (

    select
        coalition,
        member_name,
        ccode,
        org_code,
        case when ccode is not null then 'state' else 'organisation' end as member_kind,
        case
            when ccode is not null then 'ccode:' || ccode::text
            else 'org:' || org_code
        end as member_key,
        role,
        joined_date,
        joined_precision,
        left_date,
        left_precision,
        source_citation,
        source_url,
        note,
        load_id,
        line_number

    from source

)

select * from renamed
