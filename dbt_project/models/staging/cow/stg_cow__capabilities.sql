-- COW National Material Capabilities, one row per state-year. The ETL has already read the
-- publisher's -9 and empty cells as null: a missing component stays null, never 0.

with

source as (

    select * from {{ source('cow', 'cow_nmc') }}

),

renamed as (

    select
        ccode,
        year,
        stateabb,
        milex,
        milper,
        irst,
        pec,
        tpop,
        upop,
        cinc,
        version as nmc_version,
        load_id

    from source

)

select * from renamed
