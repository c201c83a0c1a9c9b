-- One row per calendar year and state in the year's ATOP alliance network (ties: any
-- obligation, int_alliance_ties_undirected): the state's eigenvector centrality, by power
-- iteration. Formula and convergence in the doc block eigenvector_centrality.
--
-- Power iteration on A + I (the adjacency matrix plus the identity: the same eigenvectors as A,
-- every eigenvalue shifted by 1, so the iteration cannot oscillate on a bipartite network such
-- as a hub and its spokes), from a vector of ones, each step normalised to unit length (L2),
-- until no value moves by more than the tolerance or for n_steps steps (both set below). Each year's network is packed once into two arrays (tie ends as 1-based
-- positions), so a step is one unnest per year, not a join.

-- a table: several models read it, and recomputing it in each would cost seconds
{{ config(materialized='table') }}

{% set n_steps = 100 %}
{% set tolerance = 1e-9 %}

with recursive

ties as (

    select * from {{ ref('int_alliance_ties_undirected') }}

    where network = 'any_obligation'

),

directed as (

    select year, ccode_a as ccode_from, ccode_b as ccode_to from ties
    union all
    select year, ccode_b as ccode_from, ccode_a as ccode_to from ties

),

nodes as (

    select
        year,
        ccode_from as ccode,
        row_number() over (partition by year order by ccode_from)::integer as position

    from directed

    group by year, ccode_from

),

networks as materialized (

    select
        directed.year,
        array_agg(from_node.position order by from_node.position, to_node.position) as tie_from,
        array_agg(to_node.position order by from_node.position, to_node.position) as tie_to,
        count(distinct from_node.position)::integer as n_states

    from directed

    inner join nodes as from_node
        on directed.year = from_node.year
        and directed.ccode_from = from_node.ccode

    inner join nodes as to_node
        on directed.year = to_node.year
        and directed.ccode_to = to_node.ccode

    group by directed.year

),

power_iteration as (

    select
        year,
        0 as step,
        array_fill(1.0::float8, array[n_states]) as centrality,
        null::float8 as step_change

    from networks

    union all

    select
        previous.year,
        previous.step + 1 as step,
        stepped.centrality,
        (
            select max(abs(new_value - old_value))
            from unnest(stepped.centrality, previous.centrality) as pair (new_value, old_value)
        ) as step_change

    from power_iteration as previous

    inner join networks
        on previous.year = networks.year

    cross join lateral (

        -- x' = (A + I) x / |(A + I) x|; values below 1e-150 (states far from the principal
        -- component) are left out of the norm so that squaring them cannot underflow
        select array_agg(
            products.value / sqrt(products.sum_of_squares) order by products.position
        ) as centrality

        from (

            select
                summed.position,
                summed.value,
                sum(summed.value * summed.value) filter (where summed.value > 1e-150) over ()
                    as sum_of_squares

            from (

                select
                    tie.position,
                    previous.centrality[tie.position] + sum(previous.centrality[tie.neighbour])
                        as value

                from unnest(networks.tie_from, networks.tie_to) as tie (position, neighbour)

                group by tie.position

            ) as summed

        ) as products

    ) as stepped

    -- a year stops once no value moves by more than the tolerance (most years converge in
    -- a few dozen steps), or after n_steps
    where previous.step < {{ n_steps }}
        and (previous.step_change is null or previous.step_change > {{ tolerance }})

),

last_steps as (

    select distinct on (year)
        year,
        step,
        centrality,
        step_change

    from power_iteration

    order by year, step desc

),

final as (

    select
        nodes.year,
        nodes.ccode,
        round(last_steps.centrality[nodes.position]::numeric, 4)::float8
            as eigenvector_centrality,
        last_steps.step_change as eigenvector_last_step_change,
        last_steps.step as n_iterations

    from last_steps

    inner join nodes
        on last_steps.year = nodes.year

)

select * from final
