-- Question (a): do the hegemon's treaty allies vote with it in the UN General Assembly more
-- than other states do, year by year?
--
-- One row per calendar year and alliance status of the voting state toward the hegemon:
--   treaty_ally      an ATOP defence obligation in at least one direction that year (the
--                    definition of is_treaty_ally in mart_legitimacy_exchange);
--   other_atop_ally  a shared ATOP alliance with consultation, neutrality or non-aggression
--                    obligations only;
--   non_ally         no shared ATOP alliance.
-- Agreement is agree_exact with the hegemon over the year's joint roll calls (both voted yes, no
-- or abstain); each state counts once per year (the mean is over states, not roll calls).
-- Only years that both ATOP and the UNGA releases cover: outside ATOP's years alliance status is
-- unknown, not "non_ally".
--
-- The hegemon is the dbt var hegemon_ccode (default 2 = USA), the hegemon of mart_hegemon_partners.
-- Run: `alliances dbt compile -s hegemon_allies_vs_non_allies_agreement`, then run the SQL in
-- .warehouse/dbt/target/compiled/alliance_warehouse/analyses/ with psql; `alliances report`
-- charts it.

with

affinity as (

    select * from {{ ref('country_year_hegemon_affinity') }}

    -- every roll call, with the hegemon of mart_hegemon_partners (dbt var hegemon_ccode)
    where vote_set = 'all' and hegemon_ccode = {{ var('hegemon_ccode') }}

),

partners as (

    select * from {{ ref('mart_hegemon_partners') }}

),

alliance_dyad_years as (

    select * from {{ ref('fct_alliance_dyad_year') }}

),

atop_years as (

    select
        min(year) as first_year,
        max(year) as last_year

    from alliance_dyad_years

),

classified as (

    select
        affinity.year,
        affinity.hegemon_ccode,
        affinity.ccode,
        affinity.agree_exact_hegemon,
        affinity.s_score_hegemon,
        case
            when partners.partner_ccode is null then 'non_ally'
            when partners.defense_commitment <> 'none' then 'treaty_ally'
            else 'other_atop_ally'
        end as alliance_status

    from affinity

    inner join atop_years
        on affinity.year between atop_years.first_year and atop_years.last_year

    left join partners
        on affinity.year = partners.year
        and affinity.hegemon_ccode = partners.hegemon_ccode
        and affinity.ccode = partners.partner_ccode
        -- mart_hegemon_partners has non-partners too (is_allied false): join the partners only
        and partners.is_allied

    -- a state-year on fewer joint roll calls than the threshold says too little (dbt var
    -- min_joint_votes, setting ALLIANCES_MIN_JOINT_VOTES; the report states it)
    where affinity.agree_exact_hegemon is not null
        and affinity.n_joint_hegemon >= {{ var('min_joint_votes') }}

),

final as (

    select
        year,
        hegemon_ccode,
        alliance_status,
        count(*) as n_states,
        avg(agree_exact_hegemon) as mean_agree_exact_hegemon,
        percentile_cont(0.5) within group (order by agree_exact_hegemon)
            as median_agree_exact_hegemon,
        avg(s_score_hegemon) as mean_s_score_hegemon

    from classified

    group by year, hegemon_ccode, alliance_status

)

select * from final

order by year, alliance_status
