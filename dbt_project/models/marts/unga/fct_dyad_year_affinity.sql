{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='year',
        on_schema_change='fail',
        contract_build='create_table_as',
        pre_hook="{{ delete_vanished_vote_years() }}",
    )
}}

-- depends_on: {{ ref('int_vote_years_fingerprinted') }}
-- Voting affinity of each undirected dyad-year; formulas in _unga__docs.md.
-- Each count is one bit_count() of an AND of the two countries' packed vote strings
-- (int_country_year_votes_packed) instead of a self-join of every vote on rcid. Nine counts are
-- enough for every measure: n_joint, n_agree, n_opposite, each country's yes and no votes over
-- the joint roll calls (abstentions are the rest), and the two counts on important votes.
-- Every measure is one division of two exact integers (the documented formulas multiplied
-- through by n_joint and 2), so results are exact to the last bit.
-- Incremental by calendar year, as fct_vote.
-- Speed (benchmarks/refresh_benchmark.py): the query runs in parallel (allow_parallel_workers()
-- on the packed table, CREATE TABLE AS through contract_build='create_table_as').

with

-- not materialized: read twice, but a materialized CTE would keep the join out of the workers
packed as not materialized (

    select * from {{ ref('int_country_year_votes_packed') }}

    {% if is_incremental() %}
    where year in {{ vote_years_to_rebuild() }}
    {% endif %}

),

joint_counts as (

    -- The inner WITH is a planner fence: PostgreSQL never merges a subquery that has a WITH of
    -- its own into the query around it, so each bit_count() runs once per dyad-year instead of
    -- once in every measure that uses it (the measures refer to n_joint up to six times).
    -- Unlike `offset 0`, this fence leaves the whole query free to run in parallel.
    with dyads as (

        select
            a.year,
            a.ccode as ccode_a,
            b.ccode as ccode_b,
            a.yes_bits as yes_bits_a,
            a.no_bits as no_bits_a,
            a.voted_bits as voted_bits_a,
            a.choice_bits as choice_bits_a,
            a.yes_no_bits as yes_no_bits_a,
            a.important_voted_bits as important_voted_bits_a,
            a.important_choice_bits as important_choice_bits_a,
            b.yes_bits as yes_bits_b,
            b.no_bits as no_bits_b,
            b.voted_bits as voted_bits_b,
            b.choice_bits as choice_bits_b,
            b.no_yes_bits as no_yes_bits_b

        from packed as a

        inner join packed as b
            on a.year = b.year
            and a.ccode < b.ccode

    )

    select
        year,
        ccode_a,
        ccode_b,
        bit_count(voted_bits_a & voted_bits_b)::integer as n_joint,
        bit_count(choice_bits_a & choice_bits_b)::integer as n_agree,
        bit_count(yes_no_bits_a & no_yes_bits_b)::integer as n_opposite,
        bit_count(yes_bits_a & voted_bits_b)::integer as n_yes_a,
        bit_count(no_bits_a & voted_bits_b)::integer as n_no_a,
        bit_count(voted_bits_a & yes_bits_b)::integer as n_yes_b,
        bit_count(voted_bits_a & no_bits_b)::integer as n_no_b,
        bit_count(important_voted_bits_a & voted_bits_b)::integer as n_joint_important,
        bit_count(important_choice_bits_a & choice_bits_b)::integer as n_agree_important

    from dyads

),

final as (

    -- With a = n_yes_a, c = n_no_a, b = n_yes_b, d = n_no_b and n = n_joint (abstentions are
    -- n - a - c and n - b - d):
    --   twice the summed distance  2 * sum|d| = 2 * n_opposite + n_one_abstains
    --                                         = n - n_agree + n_opposite
    --   2 * n^2 * D_e(Cohen) = 2 (a d + c b) + (a + c)(n - b - d) + (n - a - c)(b + d)
    --   4 * n^2 * D_e(Scott) = 2 (a + b)(c + d) + (a + b + c + d)(2n - a - b - c - d)
    select
        year,
        ccode_a,
        ccode_b,
        n_joint,
        n_agree::float8 / nullif(n_joint, 0) as agree_exact,
        (n_joint + n_agree - n_opposite)::float8 / nullif(2 * n_joint, 0) as agree_voeten,
        (n_agree - n_opposite)::float8 / nullif(n_joint, 0) as s_score,
        (
            2 * (n_yes_a * n_no_b + n_no_a * n_yes_b)
            + (n_yes_a + n_no_a) * (n_joint - n_yes_b - n_no_b)
            + (n_joint - n_yes_a - n_no_a) * (n_yes_b + n_no_b)
            - n_joint * (n_joint - n_agree + n_opposite)
        )::float8
        / nullif(
            2 * (n_yes_a * n_no_b + n_no_a * n_yes_b)
            + (n_yes_a + n_no_a) * (n_joint - n_yes_b - n_no_b)
            + (n_joint - n_yes_a - n_no_a) * (n_yes_b + n_no_b),
            0
        ) as cohen_kappa,
        (
            2 * (n_yes_a + n_yes_b) * (n_no_a + n_no_b)
            + (n_yes_a + n_yes_b + n_no_a + n_no_b)
            * (2 * n_joint - n_yes_a - n_yes_b - n_no_a - n_no_b)
            - 2 * n_joint * (n_joint - n_agree + n_opposite)
        )::float8
        / nullif(
            2 * (n_yes_a + n_yes_b) * (n_no_a + n_no_b)
            + (n_yes_a + n_yes_b + n_no_a + n_no_b)
            * (2 * n_joint - n_yes_a - n_yes_b - n_no_a - n_no_b),
            0
        ) as scott_pi,
        n_joint_important,
        n_agree_important::float8 / nullif(n_joint_important, 0) as agree_exact_important,
        n_agree,
        n_opposite,
        n_joint - n_agree - n_opposite as n_one_abstains,
        n_agree_important,
        n_yes_a,
        n_joint - n_yes_a - n_no_a as n_abstain_a,
        n_no_a,
        n_yes_b,
        n_joint - n_yes_b - n_no_b as n_abstain_b,
        n_no_b

    from joint_counts

)

select * from final
