{{
    config(
        contract_build='create_table_as',
    )
}}

-- Alliance-portfolio similarity of every undirected dyad-year (ccode_a < ccode_b) of the
-- universe in the years both the COW state system and ATOP cover: Signorino and Ritter's S,
-- Cohen's kappa and Scott's pi (Haege 2011), valued and binary ties, unweighted and weighted by
-- capability share. Formulas in _dyads__docs.md.
--
-- Set algebra instead of a loop over dyads: a state's portfolio is its row of ties to the year's
-- N system members, almost all 0. Every measure is a function of
--   per (year, i): sum_k x_ik, sum_k x_ik^2 (and weighted), from the non-zero ties;
--   per (year, i, j): sum_k x_ik x_jk, sum_k min(x_ik, x_jk) (and weighted), from a self-join
--   of the non-zero ties on (year, k): only pairs with a common non-zero item meet there;
-- because sum (x - y)^2 = sum x^2 + sum y^2 - 2 sum xy and sum |x - y| = sum x + sum y
-- - 2 sum min(x, y). A dyad with no common non-zero item has all cross sums 0.
-- Unweighted measures are one division of two exact integers. The weighted ones are too: a
-- capability share enters as an integer count of 1e-15 units (round(share * 1e15), exact to
-- the float's last digit), so every weighted sum is an exact bigint sum (int128 accumulator),
-- the same bits in any order a plan adds the rows in, and much faster than numeric arithmetic.

with

dyad_years as (

    select * from {{ ref('int_dyad_years_enumerated') }}

),

state_years as (

    select * from {{ ref('int_state_years_enumerated') }}

),

ties as (

    select
        *,
        {{ weight_units('weight') }} as weight_units

    from {{ ref('int_alliance_ties_valued') }}

),

-- the bounds of ATOP, the state system and NMC (dim_source_coverage less the UN votes'
-- row, which a new session moves: the similarity does not depend on it)
coverage as (

    select * from {{ ref('int_source_years_spanned') }}

),

similarity_years as (

    -- the years both sources cover: items are the system's members, ties ATOP's
    select
        greatest(atop.first_year, cow_states.first_year) as first_year,
        least(atop.last_year, cow_states.last_year) as last_year

    from coverage as atop

    cross join coverage as cow_states

    where atop.source = 'atop' and cow_states.source = 'cow_states'

),

nmc_years as (select * from coverage where source = 'cow_nmc'),

system_years as (

    select
        year,
        count(*)::bigint as n_items,
        sum({{ weight_units('cinc_share') }}) as total_weight

    from state_years

    group by year

),

portfolio_sums as (

    select
        year,
        ccode,
        sum(tie_valued)::bigint as sum_x,
        sum(tie_valued * tie_valued)::bigint as sum_xx,
        sum(tie_binary)::bigint as sum_b,
        coalesce(sum(weight_units * tie_valued), 0) as sum_wx,
        coalesce(sum(weight_units * tie_valued * tie_valued), 0) as sum_wxx,
        coalesce(sum(weight_units * tie_binary), 0) as sum_wb

    from ties

    group by year, ccode

),

cross_sums as (

    select
        tie_a.year,
        tie_a.ccode as ccode_a,
        tie_b.ccode as ccode_b,
        sum(tie_a.tie_valued * tie_b.tie_valued)::bigint as sum_xy,
        sum(least(tie_a.tie_valued, tie_b.tie_valued))::bigint as sum_min,
        count(*)::bigint as sum_bb,
        coalesce(sum(tie_a.weight_units * tie_a.tie_valued * tie_b.tie_valued), 0) as sum_wxy,
        coalesce(sum(tie_a.weight_units * least(tie_a.tie_valued, tie_b.tie_valued)), 0) as sum_wmin,
        coalesce(sum(tie_a.weight_units), 0) as sum_wbb

    from ties as tie_a

    inner join ties as tie_b
        on tie_a.year = tie_b.year
        and tie_a.ccode_k = tie_b.ccode_k
        and tie_a.ccode < tie_b.ccode

    group by tie_a.year, tie_a.ccode, tie_b.ccode

),

distances as (

    select
        dyad_years.year,
        dyad_years.ccode_a,
        dyad_years.ccode_b,
        system_years.n_items,
        case when dyad_years.year between nmc_years.first_year and nmc_years.last_year
            then system_years.total_weight end as total_weight,
        sums_a.sum_x as sum_x_a,
        sums_b.sum_x as sum_x_b,
        sums_a.sum_xx as sum_xx_a,
        sums_b.sum_xx as sum_xx_b,
        sums_a.sum_b as sum_b_a,
        sums_b.sum_b as sum_b_b,
        sums_a.sum_xx + sums_b.sum_xx - 2 * coalesce(cross_sums.sum_xy, 0) as d_valued_sq,
        sums_a.sum_x + sums_b.sum_x - 2 * coalesce(cross_sums.sum_min, 0) as d_valued_abs,
        sums_a.sum_b + sums_b.sum_b - 2 * coalesce(cross_sums.sum_bb, 0) as d_binary,
        sums_a.sum_wx + sums_b.sum_wx - 2 * coalesce(cross_sums.sum_wmin, 0)
            as d_valued_abs_weighted,
        sums_a.sum_wxx + sums_b.sum_wxx - 2 * coalesce(cross_sums.sum_wxy, 0)
            as d_valued_sq_weighted,
        sums_a.sum_wb + sums_b.sum_wb - 2 * coalesce(cross_sums.sum_wbb, 0)
            as d_binary_weighted

    from dyad_years

    cross join similarity_years

    cross join nmc_years

    inner join system_years
        on dyad_years.year = system_years.year

    inner join portfolio_sums as sums_a
        on dyad_years.year = sums_a.year
        and dyad_years.ccode_a = sums_a.ccode

    inner join portfolio_sums as sums_b
        on dyad_years.year = sums_b.year
        and dyad_years.ccode_b = sums_b.ccode

    left join cross_sums
        on dyad_years.year = cross_sums.year
        and dyad_years.ccode_a = cross_sums.ccode_a
        and dyad_years.ccode_b = cross_sums.ccode_b

    where
        dyad_years.ccode_a < dyad_years.ccode_b
        and dyad_years.year between similarity_years.first_year and similarity_years.last_year

),

final as (

    select
        ccode_a,
        ccode_b,
        year,
        n_items::integer as n_items,
        -- Haege's chance-corrected indices, squared distances: 1 - observed / expected
        -- disagreement (both multiplied through by n^2)
        1 - (n_items * d_valued_sq)::float8
        / nullif(n_items * (sum_xx_a + sum_xx_b) - 2 * sum_x_a * sum_x_b, 0) as kappa_valued,
        1 - (2 * n_items * d_valued_sq)::float8
        / nullif(2 * n_items * (sum_xx_a + sum_xx_b) - (sum_x_a + sum_x_b) * (sum_x_a + sum_x_b), 0) as pi_valued,
        1 - (n_items * d_binary)::float8
        / nullif(n_items * (sum_b_a + sum_b_b) - 2 * sum_b_a * sum_b_b, 0) as kappa_binary,
        1 - (2 * n_items * d_binary)::float8
        / nullif(2 * n_items * (sum_b_a + sum_b_b) - (sum_b_a + sum_b_b) * (sum_b_a + sum_b_b), 0) as pi_binary,
        -- Signorino and Ritter's S: 1 - 2 * mean distance / maximum distance (3, or 1 binary).
        -- The weighted ones: a ratio of exact integer sums of 1e-15 units (above), so a
        -- rebuild gives the same bits; rounded to 12 decimals, the units' resolution.
        1 - (2 * d_valued_abs)::float8 / (3 * n_items) as s_valued_abs,
        1 - (2 * d_valued_sq)::float8 / (9 * n_items) as s_valued_sq,
        round((1 - (2 * d_valued_abs_weighted)::float8 / nullif(3 * total_weight, 0)::float8)::numeric, 12)::float8
            as s_valued_abs_weighted,
        round((1 - (2 * d_valued_sq_weighted)::float8 / nullif(9 * total_weight, 0)::float8)::numeric, 12)::float8
            as s_valued_sq_weighted,
        1 - (2 * d_binary)::float8 / n_items as s_binary,
        round((1 - (2 * d_binary_weighted)::float8 / nullif(total_weight, 0)::float8)::numeric, 12)::float8
            as s_binary_weighted

    from distances

)

select * from final
