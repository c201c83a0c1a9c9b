-- ATOP alliance level, one row per alliance: dates assembled, flags decoded, provisions kept
-- under ATOP's own names and codes. ATOP writes 0 for "no date": an end year of 0 means the
-- alliance was still in effect at the end of the data. A missing begin month or day reads as
-- the first of the year or month, a missing end month or day as the last.

with

source as (

    select * from {{ source('atop', 'atop_alliances') }}

),

date_parts as (

    select
        *,
        nullif(endyr, 0) as end_year,
        coalesce(nullif(begmo, 0), 1) as begin_month_filled,
        coalesce(nullif(endmo, 0), 12) as end_month_filled

    from source

),

month_starts as (

    select
        *,
        make_date(begyr, begin_month_filled, 1) as begin_month_start,
        case when end_year is not null then make_date(end_year, end_month_filled, 1) end
            as end_month_start

    from date_parts

),

renamed as (

    select
        atopid,
        begyr as begin_year,
        end_year,
        -- a day past the month's end (none in 4.01) is read as the month's last day
        least(
            begin_month_start + (coalesce(nullif(begday, 0), 1) - 1),
            (begin_month_start + interval '1 month - 1 day')::date
        ) as begin_date,
        case when end_month_start is not null then
            least(
                end_month_start + (coalesce(nullif(endday, 0), 31) - 1),
                (end_month_start + interval '1 month - 1 day')::date
            )
        end as end_date,
        ineffect = 1 as is_in_effect,
        bilat = 1 as is_bilateral,
        maxphase as max_phase,
        wartime = 1 as is_wartime,
        estmode,
        pubsecr,
        secrart,
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
        specthrt,
        milcon,
        milaid,
        intcom,
        subord,
        organ1,
        organ2,
        base,
        contrib,
        armred,
        ecaid,
        milinst,
        version as atop_version,
        attributes as atop_attributes,
        load_id,
        line_number

    from month_starts

)

select * from renamed
