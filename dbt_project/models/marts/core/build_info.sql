{#- Downstream of every mart (the refs below), so that any build that changes a mart rebuilds
    this table too, and its rows say what the marts were last built from. -#}
-- depends_on: {{ ref('dim_country') }}
-- depends_on: {{ ref('dim_roll_call') }}
-- depends_on: {{ ref('fct_vote') }}
-- depends_on: {{ ref('fct_vote_release_disagreement') }}
-- depends_on: {{ ref('fct_dyad_year_affinity') }}
-- depends_on: {{ ref('country_year_hegemon_affinity') }}
-- depends_on: {{ ref('dim_alliance') }}
-- depends_on: {{ ref('fct_alliance_membership') }}
-- depends_on: {{ ref('fct_alliance_dyad_year') }}
-- depends_on: {{ ref('fct_capability_year') }}
-- depends_on: {{ ref('mart_alliance_asymmetry') }}
-- depends_on: {{ ref('mart_hegemon_partners') }}
-- depends_on: {{ ref('dim_coalition') }}
-- depends_on: {{ ref('fct_coalition_participation') }}
-- depends_on: {{ ref('dim_treaty') }}
-- depends_on: {{ ref('fct_treaty_provision') }}
-- depends_on: {{ ref('treaty_atop_comparison') }}
-- depends_on: {{ ref('mart_legitimacy_exchange') }}
-- depends_on: {{ ref('country_session_hegemon_affinity') }}
-- depends_on: {{ ref('dim_hegemon') }}
-- depends_on: {{ ref('dim_source_coverage') }}
-- depends_on: {{ ref('dim_vote_set') }}
-- depends_on: {{ ref('fct_country_session_ideal_point') }}
-- depends_on: {{ ref('fct_dyad_session_affinity') }}
-- depends_on: {{ ref('fct_dyad_session_ideal_point_distance') }}
-- depends_on: {{ ref('fct_dyad_year') }}
-- depends_on: {{ ref('fct_dyad_year_alliance_similarity') }}
-- depends_on: {{ ref('fct_dyad_year_undirected') }}
-- depends_on: {{ ref('mart_hegemon_partner_hierarchy') }}
-- depends_on: {{ ref('mart_hegemon_system_region_year') }}
-- depends_on: {{ ref('mart_hegemon_system_year') }}
{%- set source_versions = var('source_versions') %}
{%- set tool_versions = var('tool_versions') %}

with

loads as (

    select * from {{ ref('stg_warehouse__loads') }}

),

current_loads as (

    -- the newest load of each file that is still in the warehouse (not failed, not removed)
    select distinct on (file_name)
        file_name,
        source_system,
        file_path,
        sha256,
        load_status,
        loaded_at
    from loads
    where load_status in ('loaded', 'removed')
    order by file_name, load_id desc

),

source_files as (

    select
        'source_file' as component_type,
        file_name as component,
        source_system,
        case file_name
            {%- for name, version in source_versions.items() %}
            when '{{ name }}' then '{{ version }}'
            {%- endfor %}
            else case
                when file_name like 'coalitions/%' then 'curated list (sha256)'
                when file_name like 'treaties/%' then 'treaty text (sha256)'
                else 'project file (sha256)'
            end
        end as version,
        sha256,
        file_path,
        loaded_at
    from current_loads
    where load_status = 'loaded'

),

code as (

    select
        'models' as component_type,
        'models' as component,
        cast(null as text) as source_system,
        '{{ var("models_git_commit") }}' as version,
        cast(null as text) as sha256,
        'dbt_project/' as file_path,
        cast(null as timestamptz) as loaded_at

    union all

    select
        'tool' as component_type,
        'postgresql' as component,
        null,
        current_setting('server_version'),
        null,
        null,
        null

    {%- for name, version in tool_versions.items() %}

    union all

    select 'tool', '{{ name }}', null, '{{ version }}', null, null, null
    {%- endfor %}

),

final as (

    select
        component_type,
        component,
        source_system,
        version,
        sha256,
        file_path,
        loaded_at,
        now() as built_at
    from source_files

    union all

    select
        component_type,
        component,
        source_system,
        version,
        sha256,
        file_path,
        loaded_at,
        now() as built_at
    from code

)

select * from final
