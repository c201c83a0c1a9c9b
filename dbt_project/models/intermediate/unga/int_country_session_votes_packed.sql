{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='session',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_vote_periods('session') }}",
    )
}}

-- depends_on: {{ ref('int_vote_sessions_fingerprinted') }}
-- One row per country, UNGA session and vote set: the session twin of
-- int_country_year_votes_packed (macro pack_votes), read by int_dyad_session_votes_counted.

{{ pack_votes('session', ref('int_roll_calls_positioned_in_session')) }}
