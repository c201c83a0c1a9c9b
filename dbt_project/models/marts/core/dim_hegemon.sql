-- One row per hegemon of the hegemon marts (dbt vars hegemon_ccodes and hegemon_rivals, fed
-- from Settings): its name and its rivals.

with

hegemons as (

    {{ hegemons_values() }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

final as (

    select
        hegemons.hegemon_ccode,
        countries.country_name as hegemon_name,
        hegemons.rival_ccode,
        hegemons.rival_ccodes,
        hegemons.sort_order

    from hegemons

    left join countries
        on hegemons.hegemon_ccode = countries.ccode

)

select * from final
