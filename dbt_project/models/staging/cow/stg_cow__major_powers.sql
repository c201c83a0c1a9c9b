-- COW major powers, one row per period of major-power status, dates assembled.

with

source as (

    select * from {{ source('cow', 'cow_majors') }}

),

renamed as (

    select
        ccode,
        make_date(styear, stmonth, stday) as start_date,
        make_date(endyear, endmonth, endday) as end_date,
        version,
        load_id

    from source

)

select * from renamed
