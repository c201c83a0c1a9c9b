-- One row per calendar year of UNGA votes with a fingerprint of everything the vote marts read
-- for that year (both releases' votes; the roll calls' dates, sessions and vote-set attributes).
-- The incremental vote models rebuild only the years whose fingerprint changed since the last
-- successful build (see the macro vote_periods_to_rebuild and the model int_vote_years_built).
-- A table, so that the incremental models compare against it without recomputing it.

{{ config(materialized='table') }}

{{ vote_period_fingerprints('year') }}
