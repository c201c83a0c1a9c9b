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
-- One row per undirected dyad (ccode_a < ccode_b) and calendar year, with the nine counts
-- behind every affinity measure for each vote set side by side (n_joint__all, n_agree__all, ...,
-- n_agree_important__voeten_2015; macro dyad_vote_counts), each one bit_count() of an AND of the
-- two countries' packed vote strings (int_country_year_votes_packed) instead of a self-join of
-- every vote on rcid: n_joint, n_agree, n_opposite, each country's yes and no votes over the
-- joint roll calls (abstentions are the rest), and the two counts on important votes. A set's
-- nine counts are null where either country cast no vote in the set that year.
-- fct_dyad_year_affinity turns each row into one row per vote set and computes the measures.
-- Wide, not one row per vote set: the same counts in 834 thousand rows instead of 7.6 million,
-- 172 MB instead of 515 MB, built in about a third of the time (README, "How it is computed").
-- Incremental by calendar year, as fct_vote.

{{ dyad_vote_counts('year', ref('int_country_year_votes_packed')) }}
