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
-- One row per undirected dyad and UNGA session with each vote set's nine counts side by side:
-- the session twin of int_dyad_year_votes_counted (macro dyad_vote_counts), read by
-- fct_dyad_session_affinity.
-- Incremental by session.

{{ dyad_vote_counts('session', ref('int_country_session_votes_packed')) }}
