{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
        pre_hook="{{ delete_vanished_vote_years() }}",
    )
}}

-- depends_on: {{ ref('int_vote_years_fingerprinted') }}
-- Voting affinity of each undirected dyad-year; formulas in _unga__docs.md.
-- The 3 x 3 table of the two countries' joint votes (yes / abstain / no) is counted with
-- bit_count() on the packed vote strings of each country-year (int_country_year_votes_packed).
-- Incremental by calendar year, as fct_vote.
-- Votes are coded yes = 1, abstain = 0.5, no = 0, so a distance |d| is 0, 0.5 or 1.
-- Every measure is one division of two exact integers (the formulas below are the documented
-- ones multiplied through by n_joint and 2), so results are exact to the last bit.
-- `offset 0` ends each CTE on purpose: it stops PostgreSQL from inlining the CTE, which would
-- copy every sum into each expression that uses it (about 30% slower on 800k dyad-years).

with

packed as (

    select * from {{ ref('int_country_year_votes_packed') }}

    {% if is_incremental() %}
    where year in {{ vote_years_to_rebuild() }}
    {% endif %}

),

tables as (

    select
        a.year,
        a.ccode as ccode_a,
        b.ccode as ccode_b,
        bit_count(a.yes_bits & b.yes_bits)::integer as n_yes_yes,
        bit_count(a.yes_bits & b.abstain_bits)::integer as n_yes_abstain,
        bit_count(a.yes_bits & b.no_bits)::integer as n_yes_no,
        bit_count(a.abstain_bits & b.yes_bits)::integer as n_abstain_yes,
        bit_count(a.abstain_bits & b.abstain_bits)::integer as n_abstain_abstain,
        bit_count(a.abstain_bits & b.no_bits)::integer as n_abstain_no,
        bit_count(a.no_bits & b.yes_bits)::integer as n_no_yes,
        bit_count(a.no_bits & b.abstain_bits)::integer as n_no_abstain,
        bit_count(a.no_bits & b.no_bits)::integer as n_no_no,
        bit_count(a.important_voted_bits & (b.yes_bits | b.abstain_bits | b.no_bits))::integer
            as n_joint_important,
        (
            bit_count(a.important_yes_bits & b.yes_bits)
            + bit_count(a.important_abstain_bits & b.abstain_bits)
            + bit_count(a.important_no_bits & b.no_bits)
        )::integer as n_agree_important

    from packed as a

    inner join packed as b
        on a.year = b.year
        and a.ccode < b.ccode

    offset 0

),

margins as (

    select
        *,
        n_yes_yes + n_yes_abstain + n_yes_no
        + n_abstain_yes + n_abstain_abstain + n_abstain_no
        + n_no_yes + n_no_abstain + n_no_no as n_joint,
        n_yes_yes + n_abstain_abstain + n_no_no as n_agree,
        -- twice the summed distance: 2 per opposite vote, 1 when exactly one abstains
        2 * (n_yes_no + n_no_yes)
        + n_yes_abstain + n_abstain_yes + n_abstain_no + n_no_abstain as twice_distance,
        -- each country's own counts over the joint roll calls (a: rows, b: columns)
        n_yes_yes + n_yes_abstain + n_yes_no as a_yes,
        n_abstain_yes + n_abstain_abstain + n_abstain_no as a_abstain,
        n_no_yes + n_no_abstain + n_no_no as a_no,
        n_yes_yes + n_abstain_yes + n_no_yes as b_yes,
        n_yes_abstain + n_abstain_abstain + n_no_abstain as b_abstain,
        n_yes_no + n_abstain_no + n_no_no as b_no

    from tables

    offset 0

),

expected as (

    select
        *,
        -- 2 * n^2 * D_e(Cohen), from each country's own margins
        2 * (a_yes * b_no + a_no * b_yes)
        + a_yes * b_abstain + a_abstain * b_yes + a_abstain * b_no + a_no * b_abstain
            as cohen_expected,
        -- 4 * n^2 * D_e(Scott), from the pooled margins
        2 * (a_yes + b_yes) * (a_no + b_no)
        + (a_yes + b_yes) * (a_abstain + b_abstain)
        + (a_abstain + b_abstain) * (a_no + b_no) as scott_expected

    from margins

    offset 0

),

final as (

    select
        year,
        ccode_a,
        ccode_b,
        n_joint,
        n_agree::float8 / nullif(n_joint, 0) as agree_exact,
        (2 * n_agree + n_yes_abstain + n_abstain_yes + n_abstain_no + n_no_abstain)::float8
        / nullif(2 * n_joint, 0) as agree_voeten,
        (n_joint - twice_distance)::float8 / nullif(n_joint, 0) as s_score,
        (cohen_expected - n_joint * twice_distance)::float8 / nullif(cohen_expected, 0)
            as cohen_kappa,
        (scott_expected - 2 * n_joint * twice_distance)::float8 / nullif(scott_expected, 0)
            as scott_pi,
        n_joint_important,
        n_agree_important::float8 / nullif(n_joint_important, 0) as agree_exact_important,
        n_yes_yes,
        n_yes_abstain,
        n_yes_no,
        n_abstain_yes,
        n_abstain_abstain,
        n_abstain_no,
        n_no_yes,
        n_no_abstain,
        n_no_no

    from expected

)

select * from final
