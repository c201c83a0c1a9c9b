-- Voting affinity of each undirected dyad-year; formulas in _unga__docs.md.
-- Distances between votes: yes = 1, abstain = 0.5, no = 0, so |d| is 0, 0.5 or 1.

with

tables as (

    select * from {{ ref('int_dyad_years_tabulated') }}

),

margins as (

    select
        *,
        n_yes_yes + n_yes_abstain + n_yes_no
        + n_abstain_yes + n_abstain_abstain + n_abstain_no
        + n_no_yes + n_no_abstain + n_no_no as n_joint,
        n_yes_yes + n_abstain_abstain + n_no_no as n_agree,
        n_yes_no + n_no_yes as n_opposite,
        n_yes_abstain + n_abstain_yes + n_abstain_no + n_no_abstain as n_one_abstains

    from tables

),

shares as (

    select
        *,
        -- each country's own distribution of its joint votes
        (n_yes_yes + n_yes_abstain + n_yes_no)::float8 / nullif(n_joint, 0) as p_a_yes,
        (n_abstain_yes + n_abstain_abstain + n_abstain_no)::float8 / nullif(n_joint, 0)
            as p_a_abstain,
        (n_no_yes + n_no_abstain + n_no_no)::float8 / nullif(n_joint, 0) as p_a_no,
        (n_yes_yes + n_abstain_yes + n_no_yes)::float8 / nullif(n_joint, 0) as p_b_yes,
        (n_yes_abstain + n_abstain_abstain + n_no_abstain)::float8 / nullif(n_joint, 0)
            as p_b_abstain,
        (n_yes_no + n_abstain_no + n_no_no)::float8 / nullif(n_joint, 0) as p_b_no,
        -- observed mean distance
        (n_opposite + 0.5 * n_one_abstains)::float8 / nullif(n_joint, 0) as observed_distance

    from margins

),

expected as (

    select
        *,
        -- Cohen: expected distance from each country's own margins
        p_a_yes * p_b_no + p_a_no * p_b_yes
        + 0.5 * (p_a_yes * p_b_abstain + p_a_abstain * p_b_yes
                 + p_a_abstain * p_b_no + p_a_no * p_b_abstain) as expected_distance_cohen,
        -- Scott: expected distance from the pooled margins m = (p_a + p_b) / 2
        2 * ((p_a_yes + p_b_yes) / 2) * ((p_a_no + p_b_no) / 2)
        + ((p_a_yes + p_b_yes) / 2) * ((p_a_abstain + p_b_abstain) / 2)
        + ((p_a_abstain + p_b_abstain) / 2) * ((p_a_no + p_b_no) / 2) as expected_distance_scott

    from shares

),

final as (

    select
        year,
        ccode_a,
        ccode_b,
        n_joint,
        {{ round_measure('n_agree::float8 / nullif(n_joint, 0)') }} as agree_exact,
        {{ round_measure('(n_agree + 0.5 * n_one_abstains)::float8 / nullif(n_joint, 0)') }}
            as agree_voeten,
        {{ round_measure('1 - 2 * observed_distance') }} as s_score,
        {{ round_measure('1 - observed_distance / nullif(expected_distance_cohen, 0)') }}
            as cohen_kappa,
        {{ round_measure('1 - observed_distance / nullif(expected_distance_scott, 0)') }}
            as scott_pi,
        n_joint_important,
        {{ round_measure('n_agree_important::float8 / nullif(n_joint_important, 0)') }}
            as agree_exact_important,
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
