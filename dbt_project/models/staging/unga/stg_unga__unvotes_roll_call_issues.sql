with

source as (

    select * from {{ source('unga', 'unvotes_roll_call_issues') }}

),

renamed as (

    select
        rcid,
        short_name as issue_code,
        issue as issue_name

    from source

)

select * from renamed
