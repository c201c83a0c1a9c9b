-- Question (b): did the states that joined the hegemon's coalitions (the 2003 invasion of Iraq,
-- the 2014 Global Coalition to Defeat ISIS) vote with it in the UN General Assembly more than
-- the states that stayed out, and did that change after the coalition formed?
--
-- One row per coalition and membership (member: the coalition's list names the state in any
-- role; non_member: any other state that could have joined, as mart_legitimacy_exchange
-- enumerates them). Agreement is agree_exact with the hegemon pooled over the window years
-- before and after the coalition's start year (dbt var legitimacy_window_years, default 3; the
-- start year itself is in neither window). Only states with joint votes in both windows count,
-- so the before and after means are over the same states.
--
-- Run: `alliances dbt compile -s coalition_members_agreement_before_after`, then run the SQL in
-- .warehouse/dbt/target/compiled/alliance_warehouse/analyses/ with psql; `alliances report`
-- charts it.

with

exchange as (

    select * from {{ ref('mart_legitimacy_exchange') }}

    -- the report's hegemon (dbt var hegemon_ccode); the mart holds every hegemon of hegemon_ccodes
    where hegemon_ccode = {{ var('hegemon_ccode') }}

),

coalitions as (

    select * from {{ ref('dim_coalition') }}

),

compared as (

    select
        coalition,
        hegemon_ccode,
        reference_year,
        window_years,
        case when is_participant then 'member' else 'non_member' end as membership,
        is_treaty_ally,
        agree_exact_before,
        agree_exact_after,
        agree_exact_change

    from exchange

    where agree_exact_before is not null
        and agree_exact_after is not null
        -- each window on at least min_joint_votes joint roll calls (dbt var; the report says so)
        and n_joint_before >= {{ var('min_joint_votes') }}
        and n_joint_after >= {{ var('min_joint_votes') }}

),

summarised as (

    select
        coalition,
        hegemon_ccode,
        reference_year,
        window_years,
        membership,
        count(*) as n_states,
        count(*) filter (where is_treaty_ally) as n_treaty_allies,
        avg(agree_exact_before) as mean_agree_exact_before,
        avg(agree_exact_after) as mean_agree_exact_after,
        avg(agree_exact_change) as mean_agree_exact_change

    from compared

    group by coalition, hegemon_ccode, reference_year, window_years, membership

),

final as (

    select
        summarised.coalition,
        coalitions.start_date as coalition_start_date,
        summarised.hegemon_ccode,
        summarised.reference_year,
        summarised.window_years,
        summarised.reference_year - summarised.window_years as first_year_before,
        summarised.reference_year + summarised.window_years as last_year_after,
        summarised.membership,
        summarised.n_states,
        summarised.n_treaty_allies,
        summarised.mean_agree_exact_before,
        summarised.mean_agree_exact_after,
        summarised.mean_agree_exact_change

    from summarised

    inner join coalitions
        on summarised.coalition = coalitions.coalition

)

select * from final

order by coalition_start_date, membership
