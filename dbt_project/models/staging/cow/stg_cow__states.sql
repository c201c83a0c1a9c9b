with

source as (

    select * from {{ source('cow', 'cow_states') }}

),

renamed as (

    select
        ccode,
        stateabb,
        statenme as state_name,
        make_date(styear, stmonth, stday) as start_date,
        make_date(endyear, endmonth, endday) as end_date,
        version

    from source

)

select * from renamed
