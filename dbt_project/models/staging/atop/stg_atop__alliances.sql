-- ATOP alliance level, one row per alliance: dates assembled, flags decoded, provisions kept
-- under ATOP's own names and codes. ATOP writes 0 for "no date": an end year of 0 means the
-- alliance was still in effect at the end of the data. A missing begin month or day reads as
-- the first of the year or month, a missing end month or day as the last.

with

source as (

    select * from {{ source('atop', 'atop_alliances') }}

),

renamed as (

    select
        atopid,
        begyr as begin_year,
        nullif(endyr, 0) as end_year,
        {{ atop_date('begyr', 'begmo', 'begday', bound='start') }} as begin_date,
        {{ atop_date('endyr', 'endmo', 'endday', bound='end') }} as end_date,
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

    from source

)

select * from renamed
