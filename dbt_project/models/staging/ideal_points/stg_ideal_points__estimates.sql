-- Ideal points of the current run of each vote set, one row per vote set, country and session.

with

source as (

    select * from {{ source('ideal_points', 'ideal_point_estimates') }}

),

renamed as (

    select
        vote_set,
        ccode,
        session,
        ideal_point,
        standard_error,
        n_votes,
        run_id

    from source

)

select * from renamed
