{{ config(materialized='view') }}

-- Voting affinity of each undirected dyad, calendar year and vote set: every measure from the
-- nine counts of int_dyad_year_votes_counted (macro affinity_measures; formulas in
-- _unga__docs.md), whose one row per dyad-year holds every vote set's counts side by side: here
-- one row per vote set where the set has counts. Every measure is one division of two exact
-- integers, so results are exact to the last bit.
-- A view, not a table (house style has mart tables; broken here for the analysts' sake): with
-- ten vote sets the fact has ~7.6 million rows per grain; the counts take 172 MB and a query
-- computes the measures of the rows it reads (a filter on vote_set reads only that set's
-- branch). README, "How it is computed". The contract is enforced on the view's columns and
-- types.

{{ affinity_measures('year', ref('int_dyad_year_votes_counted')) }}
