with

source as (

    select * from {{ source('unga', 'unvotes_roll_calls') }}

),

renamed as (

    select
        rcid,
        session,
        vote_date,
        unres as resolution,
        importantvote = 1 as is_important,
        amend = 1 as is_amendment,
        para = 1 as is_paragraph,
        short as short_description,
        descr as long_description,
        load_id

    from source

)

select * from renamed
