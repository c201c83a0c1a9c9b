with

source as (

    select * from {{ source('treaties', 'treaty_provisions') }}

),

renamed as (

    select
        treaty_id,
        provision_ordinal,
        article_number,
        provision_type,
        rule as detection_rule,
        span_start,
        span_end,
        snippet,
        binding,
        obligated_party,
        beneficiary,
        load_id,
        line_number

    from source

)

select * from renamed
