-- ATOP member level, one row per member x alliance phase (a member that leaves and rejoins in
-- the same phase has one row per spell): entry and exit dates assembled, the member's own
-- obligations kept under ATOP's names. A yrexit of 0 means still a member at the end of the
-- data (exit_year null). A missing entry month or day reads as the first, a missing exit month
-- or day as the last.

with

source as (

    select * from {{ source('atop', 'atop_members') }}

),

date_parts as (

    select
        *,
        nullif(yrexit, 0) as exit_year,
        coalesce(nullif(moent, 0), 1) as entry_month_filled,
        coalesce(nullif(moexit, 0), 12) as exit_month_filled

    from source

),

month_starts as (

    select
        *,
        make_date(yrent, entry_month_filled, 1) as entry_month_start,
        case when exit_year is not null then make_date(exit_year, exit_month_filled, 1) end
            as exit_month_start

    from date_parts

),

renamed as (

    select
        atopid,
        member as ccode,
        cowsys = 1 as is_cow_system_member,
        phase,
        maxphase as max_phase,
        yrent as entry_year,
        exit_year,
        least(
            entry_month_start + (coalesce(nullif(dayent, 0), 1) - 1),
            (entry_month_start + interval '1 month - 1 day')::date
        ) as entry_date,
        case when exit_month_start is not null then
            least(
                exit_month_start + (coalesce(nullif(dayexit, 0), 31) - 1),
                (exit_month_start + interval '1 month - 1 day')::date
            )
        end as exit_date,
        ineffect = 1 as is_in_effect,
        bilat = 1 as is_bilateral,
        wartime = 1 as is_wartime,
        estmode,
        pubsecr,
        defense,
        offense,
        neutral,
        nonagg,
        consul,
        active,
        conditio,
        defcon,
        offcon,
        neucon,
        concon,
        asymm,
        obvary,
        milaid,
        base,
        subord,
        organ1,
        version as atop_version,
        attributes as atop_attributes,
        load_id,
        line_number

    from month_starts

)

select * from renamed
