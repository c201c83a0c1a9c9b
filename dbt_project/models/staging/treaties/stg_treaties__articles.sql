with

source as (

    select * from {{ source('treaties', 'treaty_articles') }}

),

renamed as (

    select
        treaty_id,
        ordinal as article_ordinal,
        article_number,
        nullif(label, '') as article_label,
        kind as article_kind,
        nullif(heading, '') as article_heading,
        body as article_body,
        start_offset,
        end_offset,
        body_start_offset,
        body_end_offset,
        load_id,
        line_number

    from source

)

select * from renamed
