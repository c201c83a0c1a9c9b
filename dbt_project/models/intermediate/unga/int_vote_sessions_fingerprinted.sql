-- One row per UNGA session with a fingerprint of everything the session-grain vote models read
-- for it (as int_vote_years_fingerprinted, grouped by session). The incremental session models
-- rebuild only the sessions whose fingerprint changed since the last successful build
-- (int_vote_sessions_built).

{{ config(materialized='table') }}

{{ vote_period_fingerprints('session') }}
