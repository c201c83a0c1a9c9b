-- The session fingerprints as of the last build of the session-grain vote models. It depends on
-- the incremental models below, so it is rebuilt only after they succeeded: the next run
-- compares against it.
-- depends_on: {{ ref('int_country_session_votes_packed') }}
-- depends_on: {{ ref('int_dyad_session_votes_counted') }}

{{ config(materialized='table') }}

select * from {{ ref('int_vote_sessions_fingerprinted') }}
