-- Bailey-Strezhnev-Voeten bridging pairs, one row per pair of roll calls on one resolution.

with

source as (

    select * from {{ source('ideal_points', 'unga_bridging_pairs') }}

),

renamed as (

    select
        pair_id,
        least(rcid1, rcid2) as rcid_1,
        greatest(rcid1, rcid2) as rcid_2,
        load_id,
        line_number

    from source

)

select * from renamed
