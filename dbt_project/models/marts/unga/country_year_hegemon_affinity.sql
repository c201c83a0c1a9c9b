-- Each country-year's affinity with the hegemon and with its rival (dbt vars hegemon_ccode,
-- rival_ccode), and its rank that year among all countries by affinity with the hegemon.

{% set hegemon = var('hegemon_ccode') %}
{% set rival = var('rival_ccode') %}

with

affinity as (

    select * from {{ ref('fct_dyad_year_affinity') }}

),

country_years as (

    select year, ccode from {{ ref('int_country_year_votes_packed') }}

),

directed as (

    -- both orientations, so that each country can be found as "the other" side of a dyad
    select year, ccode_a as ccode, ccode_b as other_ccode, n_joint, agree_exact, agree_voeten,
        s_score, cohen_kappa, scott_pi, n_joint_important, agree_exact_important
    from affinity
    where ccode_b in ({{ hegemon }}, {{ rival }})

    union all

    select year, ccode_b as ccode, ccode_a as other_ccode, n_joint, agree_exact, agree_voeten,
        s_score, cohen_kappa, scott_pi, n_joint_important, agree_exact_important
    from affinity
    where ccode_a in ({{ hegemon }}, {{ rival }})

),

joined as (

    select
        country_years.year,
        country_years.ccode,
        {{ hegemon }}::integer as hegemon_ccode,
        {{ rival }}::integer as rival_ccode,
        hegemon.n_joint as n_joint_hegemon,
        hegemon.agree_exact as agree_exact_hegemon,
        hegemon.agree_voeten as agree_voeten_hegemon,
        hegemon.s_score as s_score_hegemon,
        hegemon.cohen_kappa as cohen_kappa_hegemon,
        hegemon.scott_pi as scott_pi_hegemon,
        hegemon.n_joint_important as n_joint_important_hegemon,
        hegemon.agree_exact_important as agree_exact_important_hegemon,
        rival.n_joint as n_joint_rival,
        rival.agree_exact as agree_exact_rival,
        rival.agree_voeten as agree_voeten_rival,
        rival.s_score as s_score_rival,
        rival.cohen_kappa as cohen_kappa_rival,
        rival.scott_pi as scott_pi_rival,
        rival.n_joint_important as n_joint_important_rival,
        rival.agree_exact_important as agree_exact_important_rival

    from country_years

    left join directed as hegemon
        on country_years.year = hegemon.year
        and country_years.ccode = hegemon.ccode
        and hegemon.other_ccode = {{ hegemon }}

    left join directed as rival
        on country_years.year = rival.year
        and country_years.ccode = rival.ccode
        and rival.other_ccode = {{ rival }}

    where country_years.ccode <> {{ hegemon }}

),

ranked as (

    select
        *,
        case when agree_exact_hegemon is not null then
            rank() over (
                partition by year, agree_exact_hegemon is null
                order by agree_exact_hegemon desc
            )::integer
        end as rank_agree_exact_hegemon,
        case when s_score_hegemon is not null then
            rank() over (partition by year, s_score_hegemon is null order by s_score_hegemon desc)::integer
        end as rank_s_score_hegemon,
        count(agree_exact_hegemon) over (partition by year)::integer as n_countries_ranked,
        agree_exact_hegemon - agree_exact_rival as agree_exact_hegemon_minus_rival

    from joined

)

select * from ranked
