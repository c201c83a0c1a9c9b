{# a table: its uniqueness test and mart_legitimacy_exchange would each run the pooling over the
   7.6 million dyad-year counts again if it were a view #}
{{ config(materialized='table') }}

-- One row per coalition, hegemon and candidate partner (int_coalition_partners_enumerated): the
-- partner's UN General Assembly voting agreement with the hegemon pooled over the window years
-- before the coalition's start year and over the window years after it (dbt var
-- legitimacy_window_years, default 3: before = start year - 3 .. start year - 1, after = start
-- year + 1 .. start year + 3; the start year itself is in neither). Pooling adds up the joint
-- roll calls of the window's years before dividing, so each roll call weighs the same. Formulas
-- in _legitimacy__docs.md (legitimacy_voting_windows).

{% set window = var('legitimacy_window_years') %}

with

partners as (

    select * from {{ ref('int_coalition_partners_enumerated') }}

),

affinity as (

    select * from {{ ref('fct_dyad_year_affinity') }}

    where vote_set = 'all'

),

losses as (

    select * from {{ ref('int_country_years_scored_on_hegemon_losses') }}

),

partner_windows as (

    select
        partners.coalition,
        partners.hegemon_ccode,
        partners.partner_ccode,
        windows.period,
        windows.year

    from partners

    cross join lateral (
        select 'before' as period, partners.reference_year - offsets.n as year
        from generate_series(1, {{ window }}) as offsets (n)
        union all
        select 'after' as period, partners.reference_year + offsets.n as year
        from generate_series(1, {{ window }}) as offsets (n)
    ) as windows

),

window_years as (

    select
        partner_windows.coalition,
        partner_windows.hegemon_ccode,
        partner_windows.partner_ccode,
        partner_windows.period,
        affinity.n_joint,
        affinity.n_agree,
        affinity.n_opposite,
        affinity.n_one_abstains,
        affinity.n_joint_important,
        affinity.n_agree_important,
        losses.n_joint_hegemon_losing,
        losses.n_agree_hegemon_losing

    from partner_windows

    left join affinity
        on partner_windows.year = affinity.year
        and least(partner_windows.partner_ccode, partner_windows.hegemon_ccode) = affinity.ccode_a
        and greatest(partner_windows.partner_ccode, partner_windows.hegemon_ccode)
        = affinity.ccode_b

    left join losses
        on partner_windows.year = losses.year
        and partner_windows.hegemon_ccode = losses.hegemon_ccode
        and partner_windows.partner_ccode = losses.ccode

),

pooled as (

    select
        coalition,
        hegemon_ccode,
        partner_ccode,
        period,
        count(*) filter (where n_joint > 0)::integer as n_vote_years,
        coalesce(sum(n_joint), 0)::integer as n_joint,
        sum(n_agree)::float8 / nullif(sum(n_joint), 0) as agree_exact,
        1 - 2 * (sum(n_opposite) + 0.5 * sum(n_one_abstains))::float8 / nullif(sum(n_joint), 0)
            as s_score,
        coalesce(sum(n_joint_important), 0)::integer as n_joint_important,
        sum(n_agree_important)::float8 / nullif(sum(n_joint_important), 0)
            as agree_exact_important,
        coalesce(sum(n_joint_hegemon_losing), 0)::integer as n_joint_hegemon_losing,
        sum(n_agree_hegemon_losing)::float8 / nullif(sum(n_joint_hegemon_losing), 0)
            as agree_hegemon_losing

    from window_years

    group by coalition, hegemon_ccode, partner_ccode, period

),

final as (

    select
        partners.coalition,
        partners.hegemon_ccode,
        partners.partner_ccode,
        {{ window }}::integer as window_years,
        before.n_vote_years as n_vote_years_before,
        before.n_joint as n_joint_before,
        before.agree_exact as agree_exact_before,
        before.s_score as s_score_before,
        before.n_joint_important as n_joint_important_before,
        before.agree_exact_important as agree_exact_important_before,
        before.n_joint_hegemon_losing as n_joint_hegemon_losing_before,
        before.agree_hegemon_losing as agree_hegemon_losing_before,
        after.n_vote_years as n_vote_years_after,
        after.n_joint as n_joint_after,
        after.agree_exact as agree_exact_after,
        after.s_score as s_score_after,
        after.n_joint_important as n_joint_important_after,
        after.agree_exact_important as agree_exact_important_after,
        after.n_joint_hegemon_losing as n_joint_hegemon_losing_after,
        after.agree_hegemon_losing as agree_hegemon_losing_after

    from partners

    left join pooled as before
        on partners.coalition = before.coalition
        and partners.hegemon_ccode = before.hegemon_ccode
        and partners.partner_ccode = before.partner_ccode
        and before.period = 'before'

    left join pooled as after
        on partners.coalition = after.coalition
        and partners.hegemon_ccode = after.hegemon_ccode
        and partners.partner_ccode = after.partner_ccode
        and after.period = 'after'

)

select * from final
