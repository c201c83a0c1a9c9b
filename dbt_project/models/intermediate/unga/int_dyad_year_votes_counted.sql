{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_vote_periods('year') }}",
    )
}}

-- depends_on: {{ ref('int_vote_years_fingerprinted') }}
-- One row per undirected dyad (ccode_a < ccode_b), calendar year and vote set: the nine counts
-- behind every affinity measure (macro dyad_vote_counts), each one bit_count() of an AND of the
-- two countries' packed vote strings (int_country_year_votes_packed) instead of a self-join of
-- every vote on rcid: n_joint, n_agree, n_opposite, each country's yes and no votes over the
-- joint roll calls (abstentions are the rest), and the two counts on important votes.
-- fct_dyad_year_affinity computes the measures from them.
-- Incremental by calendar year, as fct_vote. No contract here, so dbt-postgres creates the table
-- with CREATE TABLE AS, which PostgreSQL may run in parallel (allow_parallel_workers() on the
-- packed table). With ten vote sets it prefers a serial merge join on (year, vote_set): in its
-- cost model, gathering 7.6 million rows from the workers costs more than it saves. The year
-- and session counts are built at the same time on dbt's two threads instead.

{{ dyad_vote_counts('year', ref('int_country_year_votes_packed')) }}
