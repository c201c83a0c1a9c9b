-- Question (c): are the states much weaker than the hegemon closer to it in the UN General
-- Assembly, and does an alliance change that?
--
-- One row per state and calendar year with both a capability ratio and an agreement score:
-- capability_ratio = hegemon CINC / state CINC (COW NMC v7.0; how many times the state's
-- capabilities the hegemon's are), its base-10 logarithm (the ratio spans five orders of
-- magnitude), agree_exact with the hegemon that year, and the state's alliance status toward
-- the hegemon as in analysis (a) (treaty_ally, other_atop_ally, non_ally; only ATOP's years).
-- States with a CINC of 0 have no ratio and are left out; so are the years outside NMC's.
--
-- Run: `alliances dbt compile -s capability_asymmetry_vs_affinity`, then run the SQL in
-- .warehouse/dbt/target/compiled/alliance_warehouse/analyses/ with psql; `alliances report`
-- draws it as a scatter with a least-squares line per status.

with

affinity as (

    select * from {{ ref('country_year_hegemon_affinity') }}

    -- every roll call, with the hegemon of mart_hegemon_partners (dbt var hegemon_ccode)
    where vote_set = 'all' and hegemon_ccode = {{ var('hegemon_ccode') }}

),

capabilities as (

    select * from {{ ref('fct_capability_year') }}

),

partners as (

    select * from {{ ref('mart_hegemon_partners') }}

),

alliance_dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

atop_years as (

    select
        min(year) as first_year,
        max(year) as last_year

    from alliance_dyad_years

),

joined as (

    select
        affinity.year,
        affinity.hegemon_ccode,
        affinity.ccode,
        countries.country_name,
        case
            when partners.partner_ccode is null then 'non_ally'
            when partners.defense_commitment <> 'none' then 'treaty_ally'
            else 'other_atop_ally'
        end as alliance_status,
        hegemon_capabilities.cinc as hegemon_cinc,
        state_capabilities.cinc as state_cinc,
        hegemon_capabilities.cinc / nullif(state_capabilities.cinc, 0) as capability_ratio,
        affinity.n_joint_hegemon,
        affinity.agree_exact_hegemon

    from affinity

    inner join atop_years
        on affinity.year between atop_years.first_year and atop_years.last_year

    inner join capabilities as hegemon_capabilities
        on affinity.hegemon_ccode = hegemon_capabilities.ccode
        and affinity.year = hegemon_capabilities.year

    inner join capabilities as state_capabilities
        on affinity.ccode = state_capabilities.ccode
        and affinity.year = state_capabilities.year

    left join partners
        on affinity.year = partners.year
        and affinity.hegemon_ccode = partners.hegemon_ccode
        and affinity.ccode = partners.partner_ccode
        -- mart_hegemon_partners has non-partners too (is_allied false): join the partners only
        and partners.is_allied

    left join countries
        on affinity.ccode = countries.ccode

    -- as in analysis (a): state-years with at least min_joint_votes joint roll calls
    where affinity.agree_exact_hegemon is not null
        and affinity.n_joint_hegemon >= {{ var('min_joint_votes') }}

),

final as (

    select
        year,
        hegemon_ccode,
        ccode,
        country_name,
        alliance_status,
        hegemon_cinc,
        state_cinc,
        capability_ratio,
        log(capability_ratio) as log10_capability_ratio,
        n_joint_hegemon,
        agree_exact_hegemon

    from joined

    where capability_ratio > 0

)

select * from final

order by year, ccode
