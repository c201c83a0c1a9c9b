-- US active duty troops per host and year, one row per row of the troopdata file (duplicate
-- host-years under two names are kept here; int_troop_host_years_deduplicated folds them).
-- ISO3 'NA' is the publisher's R missing value (Namibia is 'NAM' in ISO3), so it reads as null;
-- a reported 0 stays 0. ccode 2 is the USA itself and ccode >= 1000 a non-state location.

with

source as (

    select * from {{ source('troops', 'troops_country_years') }}

),

renamed as (

    select
        ccode,
        year,
        countryname as host_name,
        nullif(iso3c, 'NA') as iso3c,
        region as troopdata_region,
        troops_ad,
        ccode = 2 as is_us_home,
        ccode >= 1000 as is_non_state_location,
        load_id,
        line_number

    from source

)

select * from renamed
