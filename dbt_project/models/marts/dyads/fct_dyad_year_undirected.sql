{{ config(materialized='view') }}

-- The undirected dyad-year universe: fct_dyad_year's rows with ccode_a < ccode_b, one per pair
-- and year. Nothing is lost: each row carries the obligations in both directions (a_to_b and
-- b_to_a), and every other column is symmetric or named for a and b.

with

directed as (

    select * from {{ ref('fct_dyad_year') }}

),

final as (

    select * from directed

    where ccode_a < ccode_b

)

select * from final
