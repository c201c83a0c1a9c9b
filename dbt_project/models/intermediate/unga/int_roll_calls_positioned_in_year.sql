-- One row per roll call with its position among the roll calls of its calendar year (rcid
-- order) and a one-hot bit string of the year's length with that position set.

with

roll_calls as (

    select * from {{ ref('dim_roll_call') }}

),

positioned as (

    select
        rcid,
        year,
        is_important,
        (row_number() over (partition by year order by rcid) - 1)::integer as position_in_year,
        (count(*) over (partition by year))::integer as n_roll_calls

    from roll_calls

),

final as (

    select
        *,
        set_bit(repeat('0', n_roll_calls)::varbit, position_in_year, 1)::varbit as position_bit

    from positioned

)

select * from final
