-- One row per undirected dyad (ccode_a < ccode_b) and calendar year: the 3 x 3 table of the two
-- countries' joint votes (yes / abstain / no) over the roll calls where both voted, counted
-- with bit_count() on the packed vote strings; plus agreement counts on important votes.

with

packed as (

    select * from {{ ref('int_country_year_votes_packed') }}

),

tabulated as (

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

    -- computed once here, not inlined into every expression downstream
    offset 0

)

select * from tabulated
