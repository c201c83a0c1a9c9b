with

source as (

    select * from {{ source('treaties', 'treaty_atop_links') }}

),

renamed as (

    select
        treaty_id,
        atopid,
        note as link_note,
        source as link_source,
        load_id,
        line_number

    from source

)

select * from renamed
