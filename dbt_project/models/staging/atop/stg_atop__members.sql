-- ATOP member level, one row per member x alliance phase (a member that leaves and rejoins in
-- the same phase has one row per spell): entry and exit dates assembled, the member's own
-- obligations kept under ATOP's names. A yrexit of 0 means still a member at the end of the
-- data (exit_year null). A missing entry month or day reads as the first, a missing exit month
-- or day as the last.

with

source as (

    select * from {{ source('atop', 'atop_members') }}

),

renamed as (

    select
        atopid,
        member as ccode,
        cowsys = 1 as is_cow_system_member,
        phase,
        maxphase as max_phase,
        yrent as entry_year,
        nullif(yrexit, 0) as exit_year,
        {{ atop_date('yrent', 'moent', 'dayent', bound='start') }} as entry_date,
        {{ atop_date('yrexit', 'moexit', 'dayexit', bound='end') }} as exit_date,
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

    from source

)

select * from renamed
