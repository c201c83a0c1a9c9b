-- One row per vote set, country and UNGA session: the dynamic ordinal ideal point (BSV 2017)
-- estimated by etl/ideal_points.py, with its Laplace standard error and 95% interval.

with

estimates as (

    select * from {{ ref('stg_ideal_points__estimates') }}

),

runs as (

    select run_id, finished_at from {{ ref('stg_ideal_points__runs') }}

),

countries as (

    select ccode, country_name from {{ ref('dim_country') }}

),

final as (

    select
        estimates.vote_set,
        estimates.ccode,
        countries.country_name,
        estimates.session,
        1945 + estimates.session as session_year,
        estimates.ideal_point,
        estimates.standard_error,
        estimates.ideal_point - 1.96 * estimates.standard_error as ideal_point_lower_95,
        estimates.ideal_point + 1.96 * estimates.standard_error as ideal_point_upper_95,
        estimates.n_votes,
        estimates.run_id,
        runs.finished_at as estimated_at

    from estimates

    inner join runs
        on estimates.run_id = runs.run_id

    left join countries
        on estimates.ccode = countries.ccode

)

select * from final
