-- Question (d): do the partners most subordinated to the hegemon's security hierarchy supply it
-- more legitimacy: do they vote with it in the UN General Assembly more, and did they join its
-- coalitions (the 2003 invasion of Iraq, the 2014 Global Coalition to Defeat ISIS) more often?
--
-- One row per measure and band of the security hierarchy index (mart_hegemon_partner_hierarchy,
-- a Lake-style index of US troops per head and few independent alliances, relative to the year's
-- partners; 10 bands of width 0.1, the index 1 falling in the top band):
-- - measure 'agree_exact': over the partner-years of the band, the mean agree_exact with the
--   hegemon (country_year_hegemon_affinity; partner-years with joint votes only);
-- - measure '<coalition>': over the partners of the band in the coalition's start year (the
--   reference year of mart_legitimacy_exchange), the share that joined it in any role.
-- n_states (distinct partners) and n_observations (partner-years, or partners) stand behind every
-- point. The index needs the troop data, so the rows are for the USA (dbt var hegemon_ccode = 2);
-- for another hegemon the analysis returns no rows.
--
-- Run: `alliances dbt compile -s hierarchy_vs_legitimacy_supply`, then run the SQL in
-- .warehouse/dbt/target/compiled/alliance_warehouse/analyses/ with psql; `alliances report`
-- charts it.

{% set hegemon = var('hegemon_ccode') %}
{% set n_bands = 10 %}

with

hierarchy as (

    select * from {{ ref('mart_hegemon_partner_hierarchy') }}

    where hegemon_ccode = {{ hegemon }}
        and security_hierarchy_index is not null

),

affinity as (

    -- one row per (year, ccode) for the hegemon of dbt var hegemon_ccode; when this mart gains
    -- a vote set and several hegemons, keep the votes of all kinds here: vote_set = 'all'
    select * from {{ ref('country_year_hegemon_affinity') }}

    where hegemon_ccode = {{ hegemon }}

),

exchange as (

    select * from {{ ref('mart_legitimacy_exchange') }}

    where hegemon_ccode = {{ hegemon }}

),

banded as (

    select
        *,
        least(width_bucket(security_hierarchy_index, 0, 1, {{ n_bands }}), {{ n_bands }})
            as band

    from hierarchy

),

votes as (

    select
        'agree_exact' as measure,
        banded.band,
        count(distinct banded.partner_ccode) as n_states,
        count(*) as n_observations,
        avg(banded.security_hierarchy_index) as mean_hierarchy_index,
        avg(affinity.agree_exact_hegemon) as mean_value

    from banded

    inner join affinity
        on banded.year = affinity.year
        and banded.partner_ccode = affinity.ccode

    where affinity.agree_exact_hegemon is not null

    group by banded.band

),

coalitions as (

    select
        exchange.coalition as measure,
        banded.band,
        count(distinct banded.partner_ccode) as n_states,
        count(*) as n_observations,
        avg(banded.security_hierarchy_index) as mean_hierarchy_index,
        avg(exchange.is_participant::integer) as mean_value

    from banded

    inner join exchange
        on banded.year = exchange.reference_year
        and banded.partner_ccode = exchange.partner_ccode

    group by exchange.coalition, banded.band

),

final as (

    select
        {{ hegemon }} as hegemon_ccode,
        measure,
        band,
        (band - 1) * 1.0 / {{ n_bands }} as band_lower,
        band * 1.0 / {{ n_bands }} as band_upper,
        n_states,
        n_observations,
        mean_hierarchy_index,
        mean_value

    from votes

    union all

    select
        {{ hegemon }} as hegemon_ccode,
        measure,
        band,
        (band - 1) * 1.0 / {{ n_bands }} as band_lower,
        band * 1.0 / {{ n_bands }} as band_upper,
        n_states,
        n_observations,
        mean_hierarchy_index,
        mean_value

    from coalitions

)

select * from final

order by measure, band
