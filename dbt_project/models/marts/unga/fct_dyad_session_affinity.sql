{{ config(materialized='view') }}

-- Voting affinity of each undirected dyad, UNGA session and vote set: the literature's unit of
-- time (Voeten's `year` is session_year = 1945 + session, the year the session opened). The
-- same measures as fct_dyad_year_affinity (macro affinity_measures) from the counts of
-- int_dyad_session_votes_counted; a view for the same reason.

{{ affinity_measures('session', ref('int_dyad_session_votes_counted'),
                     extra_columns=['(1945 + session)::integer as session_year']) }}
