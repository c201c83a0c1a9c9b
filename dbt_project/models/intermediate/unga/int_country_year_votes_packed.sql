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
-- One row per country, calendar year and vote set: the country's votes on the set's roll calls
-- that year packed into three bit strings over them in rcid order (bit i = roll call i), OR-ing
-- the one-hot bits of the roll calls it voted yes / abstain / no on (macro pack_votes). Dyadic
-- measures are then bitwise ANDs and bit_count()s instead of a self-join of every vote on rcid.
-- A country enters a year and vote set when it cast at least one yes, no or abstain vote on
-- one of the set's roll calls that year.
-- int_dyad_year_votes_counted lays each country-year's sets side by side and joins them once.

{{ pack_votes('year', ref('int_roll_calls_positioned_in_year')) }}
