-- One row per treaty text linked to an ATOP alliance (stg_treaties__atop_links) and provision
-- type: whether ATOP codes the alliance with the provision, read from the ATOP variable(s) that
-- correspond to it, for the alliance as a whole (the alliance-level file; geographic scope from
-- the member-level file, all phases) and for its first phase (the member-level rows of ATOP's
-- earliest phase: the alliance as first concluded). The correspondence is documented in
-- _legitimacy__docs.md (treaty_atop_correspondence).

with

links as (

    select * from {{ ref('stg_treaties__atop_links') }}

),

alliances as (

    select * from {{ ref('stg_atop__alliances') }}

),

members as (

    select * from {{ ref('stg_atop__members') }}

),

provision_types as (

    select * from (
        values
            (1, 'collective_defence', 'defense'),
            (2, 'consultation', 'consul'),
            (3, 'non_aggression', 'nonagg'),
            (4, 'neutrality', 'neutral'),
            (5, 'bases_facilities', 'base'),
            (6, 'military_aid', 'milaid'),
            (7, 'duration_withdrawal', 'speclgth, renounce'),
            (8, 'geographic_scope', 'defcoloc, offcoloc, neucoloc, concoloc (member level)')
    ) as types (type_order, provision_type, atop_variables)

),

member_codes as (

    -- the member-level codes that live only in ATOP's full row (kept as JSON by the ETL)
    select
        atopid,
        phase,
        defense,
        consul,
        nonagg,
        neutral,
        base,
        milaid,
        nullif(atop_attributes::jsonb ->> 'speclgth', '')::numeric::integer as speclgth,
        nullif(atop_attributes::jsonb ->> 'renounce', '')::numeric::integer as renounce,
        greatest(
            nullif(atop_attributes::jsonb ->> 'defcoloc', '')::numeric::integer,
            nullif(atop_attributes::jsonb ->> 'offcoloc', '')::numeric::integer,
            nullif(atop_attributes::jsonb ->> 'neucoloc', '')::numeric::integer,
            nullif(atop_attributes::jsonb ->> 'concoloc', '')::numeric::integer
        ) as location_condition,
        min(phase) over (partition by atopid) as first_phase

    from members

    where atopid in (select atopid from links)

),

alliance_level as (

    select
        alliances.atopid,
        alliances.defense,
        alliances.consul,
        alliances.nonagg,
        alliances.neutral,
        alliances.base,
        alliances.milaid,
        nullif(alliances.atop_attributes::jsonb ->> 'speclgth', '')::numeric::integer as speclgth,
        nullif(alliances.atop_attributes::jsonb ->> 'renounce', '')::numeric::integer as renounce,
        location.location_condition

    from alliances

    left join (
        select atopid, max(location_condition) as location_condition
        from member_codes
        group by atopid
    ) as location
        on alliances.atopid = location.atopid

    where alliances.atopid in (select atopid from links)

),

first_phase as (

    select
        atopid,
        max(defense) as defense,
        max(consul) as consul,
        max(nonagg) as nonagg,
        max(neutral) as neutral,
        max(base) as base,
        max(milaid) as milaid,
        max(speclgth) as speclgth,
        max(renounce) as renounce,
        max(location_condition) as location_condition

    from member_codes

    where phase = first_phase

    group by atopid

),

levels as (

    select 'alliance' as level, * from alliance_level
    union all
    select 'first_phase' as level, * from first_phase

),

coded as (

    select
        links.treaty_id,
        links.atopid,
        provision_types.type_order,
        provision_types.provision_type,
        provision_types.atop_variables,
        levels.level,
        case provision_types.provision_type
            when 'collective_defence' then 'defense=' || levels.defense
            when 'consultation' then 'consul=' || levels.consul
            when 'non_aggression' then 'nonagg=' || levels.nonagg
            when 'neutrality' then 'neutral=' || levels.neutral
            when 'bases_facilities' then 'base=' || levels.base
            when 'military_aid' then 'milaid=' || levels.milaid
            when 'duration_withdrawal'
                then 'speclgth=' || levels.speclgth || ', renounce=' || levels.renounce
            when 'geographic_scope' then 'location condition=' || levels.location_condition
        end as atop_codes,
        case provision_types.provision_type
            when 'collective_defence' then levels.defense = 1
            when 'consultation' then levels.consul = 1
            when 'non_aggression' then levels.nonagg = 1
            when 'neutrality' then levels.neutral = 1
            when 'bases_facilities' then levels.base > 0
            when 'military_aid' then levels.milaid > 0
            when 'duration_withdrawal' then levels.speclgth > 0 or levels.renounce > 0
            when 'geographic_scope' then levels.location_condition > 0
        end as is_atop_coded

    from links

    cross join provision_types

    left join levels
        on links.atopid = levels.atopid

),

final as (

    select
        treaty_id,
        atopid,
        type_order,
        provision_type,
        atop_variables,
        max(atop_codes) filter (where level = 'alliance') as atop_codes,
        bool_or(is_atop_coded) filter (where level = 'alliance') as is_atop_coded,
        max(atop_codes) filter (where level = 'first_phase') as atop_codes_first_phase,
        bool_or(is_atop_coded) filter (where level = 'first_phase') as is_atop_coded_first_phase

    from coded

    group by treaty_id, atopid, type_order, provision_type, atop_variables

)

select * from final
