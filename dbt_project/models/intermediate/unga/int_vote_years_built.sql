-- The year fingerprints as of the last build of the vote marts. It depends on the incremental
-- models below, so it is rebuilt only after they succeeded: the next run compares against it.
-- depends_on: {{ ref('fct_vote') }}
-- depends_on: {{ ref('int_country_year_votes_packed') }}
-- depends_on: {{ ref('int_dyad_year_votes_counted') }}

{{ config(materialized='table') }}

select * from {{ ref('int_vote_years_fingerprinted') }}
