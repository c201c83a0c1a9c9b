with

states as (

    select * from {{ ref('stg_cow__states') }}

),

crosswalk as (

    select * from {{ ref('country_crosswalk') }}

),

periods as (

    select
        ccode,
        min(start_date) as system_entry_date,
        max(end_date) as system_exit_date,
        count(*)::integer as n_system_periods,
        string_agg(start_date::text || '/' || end_date::text, '; ' order by start_date)
            as system_periods,
        (array_agg(state_name order by start_date desc))[1] as country_name,
        (array_agg(stateabb order by start_date desc))[1] as stateabb

    from states

    group by ccode

),

final as (

    select
        periods.ccode,
        crosswalk.iso3,
        crosswalk.iso2,
        periods.country_name,
        periods.stateabb,
        periods.system_entry_date,
        periods.system_exit_date,
        periods.n_system_periods,
        periods.system_periods

    from periods

    left join crosswalk
        on periods.ccode = crosswalk.ccode

)

select * from final
