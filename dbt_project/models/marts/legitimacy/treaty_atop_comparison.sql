-- One row per treaty text linked to an ATOP alliance and provision type: whether the rules
-- detected the provision in the text, whether ATOP codes the alliance with it (as a whole and
-- in its first phase), and whether the two agree.

with

treaties as (

    select * from {{ ref('dim_treaty') }}

),

provisions as (

    select * from {{ ref('fct_treaty_provision') }}

),

atop_codes as (

    select * from {{ ref('int_atop_codes_mapped_to_provision_types') }}

),

detected as (

    select
        treaty_id,
        provision_type,
        count(*)::integer as n_detected,
        string_agg(distinct article_number, '; ' order by article_number) as detected_articles,
        case
            when bool_and(binding = 'all_parties') then 'all_parties'
            when bool_and(binding = 'one_way') then 'one_way'
            else 'mixed'
        end as detected_binding

    from provisions

    group by treaty_id, provision_type

),

compared as (

    select
        atop_codes.treaty_id,
        atop_codes.atopid,
        atop_codes.type_order,
        atop_codes.provision_type,
        coalesce(detected.n_detected, 0) as n_detected,
        detected.n_detected is not null as is_detected,
        detected.detected_articles,
        detected.detected_binding,
        atop_codes.atop_variables,
        atop_codes.atop_codes,
        atop_codes.is_atop_coded,
        atop_codes.atop_codes_first_phase,
        atop_codes.is_atop_coded_first_phase

    from atop_codes

    inner join treaties
        on atop_codes.treaty_id = treaties.treaty_id

    left join detected
        on atop_codes.treaty_id = detected.treaty_id
        and atop_codes.provision_type = detected.provision_type

),

final as (

    select
        treaty_id,
        atopid,
        provision_type,
        is_detected,
        n_detected,
        detected_articles,
        detected_binding,
        atop_variables,
        atop_codes,
        is_atop_coded,
        case
            when is_atop_coded is null then null
            when is_detected and is_atop_coded then 'both'
            when is_detected then 'text_only'
            when is_atop_coded then 'atop_only'
            else 'neither'
        end as agreement,
        is_detected = is_atop_coded as is_agreement,
        atop_codes_first_phase,
        is_atop_coded_first_phase,
        is_detected = is_atop_coded_first_phase as is_agreement_first_phase

    from compared

)

select * from final
