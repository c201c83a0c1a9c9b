with

source as (

    select * from {{ source('warehouse', 'load_ledger') }}

),

renamed as (

    select
        load_id,
        source as source_system,
        file_name,
        path as file_path,
        sha256,
        target_table,
        rows_loaded,
        status as load_status,
        finished_at as loaded_at
    from source

)

select * from renamed
