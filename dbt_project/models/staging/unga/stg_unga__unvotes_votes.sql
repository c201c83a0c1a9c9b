with

source as (

    select * from {{ source('unga', 'unvotes_votes') }}

),

renamed as (

    select
        rcid,
        country as country_name,
        -- ISO 3166-1 alpha-2; empty for states the release left uncoded ("NA" is Namibia)
        coalesce(country_code, '') as country_code,
        vote,
        load_id,
        line_number

    from source

)

select * from renamed
