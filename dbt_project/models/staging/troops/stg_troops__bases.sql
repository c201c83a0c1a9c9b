-- US military sites abroad (Vine 2015), one row per site. The kind of site: base (a major
-- installation), lily pad (a small, austere site) or funded site (a host site the US funds).
-- 'NA' in the text columns is the publisher's R missing value. ccode 2 is the USA itself.

with

source as (

    select * from {{ source('troops', 'troops_bases') }}

),

renamed as (

    select
        load_id,
        line_number,
        ccode,
        countryname as host_name,
        nullif(iso3c, 'NA') as iso3c,
        nullif(basename, 'NA') as site_name,
        lat,
        lon,
        base = 1 as is_base,
        lilypad = 1 as is_lilypad,
        fundedsite = 1 as is_funded_site,
        ccode = 2 as is_us_home

    from source

)

select * from renamed
