{{ config(materialized='view') }}

-- Voting affinity of each undirected dyad, calendar year and vote set: every measure from the
-- nine counts of int_dyad_year_votes_counted (macro affinity_measures; formulas in
-- _unga__docs.md). Every measure is one division of two exact integers, so results are exact
-- to the last bit.
-- A view, not a table (house style has mart tables; broken here for the analysts' sake): with
-- ten vote sets the fact has ~7.6 million rows per grain, and storing its 25 columns takes
-- 1.26 GB per grain and ~16-18 s more to write, against 0.5 GB for the counts, from which a
-- query computes the measures of the rows it reads (README, Benchmarks: `make bench` prints
-- the figures). The contract is enforced on the view's columns and types.

{{ affinity_measures('year', ref('int_dyad_year_votes_counted')) }}
