with

source as (

    select * from {{ source('treaties', 'treaties') }}

),

renamed as (

    select
        treaty_id,
        title,
        signed_date,
        parties,
        -- the manifest separates party names with ';' (the ETL joins them with '; ')
        cardinality(string_to_array(parties, '; '))::integer as n_parties,
        source_url,
        completeness,
        notes,
        text_file,
        treaty_text,
        length(treaty_text)::integer as n_characters,
        text_sha256,
        load_id,
        line_number as manifest_line_number

    from source

)

select * from renamed
