with

source as (

    select * from {{ source('coalitions', 'coalitions') }}

),

renamed as (

    select
        coalition,
        leader_ccode,
        start_date,
        end_date,
        purpose,
        source_citation,
        source_url,
        load_id,
        line_number

    from source

)

select * from renamed
