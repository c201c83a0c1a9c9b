-- The estimation ledger: one row per estimation of one vote set.

with

source as (

    select * from {{ source('ideal_points', 'ideal_point_runs') }}

),

renamed as (

    select
        run_id,
        vote_set,
        inputs_sha256,
        status,
        iterations,
        converged as is_converged,
        max_change,
        log_posterior,
        wall_seconds,
        n_votes,
        n_items,
        n_roll_calls_unanimous,
        n_country_sessions,
        started_at,
        finished_at

    from source

)

select * from renamed
