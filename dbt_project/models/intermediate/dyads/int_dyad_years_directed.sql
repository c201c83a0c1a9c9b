{{ config(materialized='view') }}

-- The directed dyad-year universe without the ideal-point distance: each undirected pair's row
-- of int_dyad_years_joined as it is (a = the smaller code) and swapped (a = the larger code,
-- a's obligations and capabilities b's and the other way round), with the capability ratio.
-- fct_dyad_year is this view with the distance joined; the models that need no ideal point
-- (mart_hegemon_partners) read it here, so they are built with the vote models, not after the
-- ideal-point estimation. A filter on ccode_a or ccode_b reaches both halves (UNION ALL), so
-- `where ccode_a = 2` reads only the USA's pairs.

with

-- read by both halves: not materialized, so that each half's filters reach the table
undirected as not materialized (

    select * from {{ ref('int_dyad_years_joined') }}

),

as_is as (

    select
        undirected.ccode_a,
        undirected.ccode_b,
        undirected.year,
        undirected.is_allied,
        undirected.defense_a_to_b,
        undirected.offense_a_to_b,
        undirected.neutral_a_to_b,
        undirected.nonagg_a_to_b,
        undirected.consul_a_to_b,
        undirected.defense_b_to_a,
        undirected.offense_b_to_a,
        undirected.neutral_b_to_a,
        undirected.nonagg_b_to_a,
        undirected.consul_b_to_a,
        undirected.atop_ordinal_a_to_b,
        undirected.atop_ordinal_b_to_a,
        undirected.asymm,
        undirected.n_alliances,
        undirected.cinc_a,
        undirected.cinc_b,
        undirected.cinc_a / nullif(undirected.cinc_b, 0) as capability_ratio,
        undirected.is_major_power_a,
        undirected.is_major_power_b,
        undirected.unga_n_joint,
        undirected.unga_agree_exact,
        undirected.unga_agree_voeten,
        undirected.unga_s_score,
        undirected.unga_cohen_kappa,
        undirected.unga_scott_pi,
        undirected.unga_agree_exact_important,
        undirected.unga_session_n_joint,
        undirected.unga_session_agree_exact,
        undirected.unga_session_s_score,
        undirected.unga_session_cohen_kappa

    from undirected

),

swapped as (

    select
        undirected.ccode_b as ccode_a,
        undirected.ccode_a as ccode_b,
        undirected.year,
        undirected.is_allied,
        undirected.defense_b_to_a as defense_a_to_b,
        undirected.offense_b_to_a as offense_a_to_b,
        undirected.neutral_b_to_a as neutral_a_to_b,
        undirected.nonagg_b_to_a as nonagg_a_to_b,
        undirected.consul_b_to_a as consul_a_to_b,
        undirected.defense_a_to_b as defense_b_to_a,
        undirected.offense_a_to_b as offense_b_to_a,
        undirected.neutral_a_to_b as neutral_b_to_a,
        undirected.nonagg_a_to_b as nonagg_b_to_a,
        undirected.consul_a_to_b as consul_b_to_a,
        undirected.atop_ordinal_b_to_a as atop_ordinal_a_to_b,
        undirected.atop_ordinal_a_to_b as atop_ordinal_b_to_a,
        undirected.asymm,
        undirected.n_alliances,
        undirected.cinc_b as cinc_a,
        undirected.cinc_a as cinc_b,
        undirected.cinc_b / nullif(undirected.cinc_a, 0) as capability_ratio,
        undirected.is_major_power_b as is_major_power_a,
        undirected.is_major_power_a as is_major_power_b,
        undirected.unga_n_joint,
        undirected.unga_agree_exact,
        undirected.unga_agree_voeten,
        undirected.unga_s_score,
        undirected.unga_cohen_kappa,
        undirected.unga_scott_pi,
        undirected.unga_agree_exact_important,
        undirected.unga_session_n_joint,
        undirected.unga_session_agree_exact,
        undirected.unga_session_s_score,
        undirected.unga_session_cohen_kappa

    from undirected

),

final as (

    select * from as_is

    union all

    select * from swapped

)

select * from final
