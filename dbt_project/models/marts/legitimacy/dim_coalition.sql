with

coalitions as (

    select * from {{ ref('stg_coalitions__coalitions') }}

),

members as (

    select * from {{ ref('stg_coalitions__coalition_members') }}

),

countries as (

    select ccode, country_name from {{ ref('dim_country') }}

),

member_counts as (

    select
        coalition,
        count(distinct member_key)::integer as n_members,
        count(distinct ccode)::integer as n_state_members,
        count(distinct org_code)::integer as n_organisation_members,
        string_agg(distinct role, '; ' order by role) as roles

    from members

    group by coalition

),

final as (

    select
        coalitions.coalition,
        coalitions.leader_ccode,
        countries.country_name as leader_name,
        coalitions.start_date,
        extract(year from coalitions.start_date)::integer as start_year,
        coalitions.end_date,
        coalitions.purpose,
        coalesce(member_counts.n_members, 0) as n_members,
        coalesce(member_counts.n_state_members, 0) as n_state_members,
        coalesce(member_counts.n_organisation_members, 0) as n_organisation_members,
        member_counts.roles,
        coalitions.source_citation,
        coalitions.source_url

    from coalitions

    left join member_counts
        on coalitions.coalition = member_counts.coalition

    left join countries
        on coalitions.leader_ccode = countries.ccode

)

select * from final
