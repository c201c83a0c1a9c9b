with

treaties as (

    select * from {{ ref('stg_treaties__treaties') }}

),

articles as (

    select * from {{ ref('stg_treaties__articles') }}

),

provisions as (

    select * from {{ ref('stg_treaties__provisions') }}

),

links as (

    select * from {{ ref('stg_treaties__atop_links') }}

),

article_counts as (

    select
        treaty_id,
        count(*) filter (where article_kind = 'article')::integer as n_articles,
        count(*)::integer as n_parts

    from articles

    group by treaty_id

),

provision_counts as (

    select
        treaty_id,
        count(*)::integer as n_provisions,
        string_agg(distinct provision_type, '; ' order by provision_type) as provision_types,
        bool_or(provision_type = 'collective_defence') as has_collective_defence,
        bool_or(provision_type = 'consultation') as has_consultation,
        bool_or(binding = 'one_way') as has_one_way_provision

    from provisions

    group by treaty_id

),

final as (

    select
        treaties.treaty_id,
        treaties.title,
        treaties.signed_date,
        extract(year from treaties.signed_date)::integer as signed_year,
        treaties.parties,
        treaties.n_parties,
        links.atopid,
        links.link_note as atop_link_note,
        links.link_source as atop_link_source,
        coalesce(article_counts.n_articles, 0) as n_articles,
        coalesce(article_counts.n_parts, 0) as n_parts,
        coalesce(provision_counts.n_provisions, 0) as n_provisions,
        provision_counts.provision_types,
        coalesce(provision_counts.has_collective_defence, false) as has_collective_defence,
        coalesce(provision_counts.has_consultation, false) as has_consultation,
        coalesce(provision_counts.has_one_way_provision, false) as has_one_way_provision,
        treaties.source_url,
        treaties.completeness,
        treaties.notes,
        treaties.text_file,
        treaties.n_characters,
        treaties.text_sha256,
        treaties.treaty_text

    from treaties

    left join links
        on treaties.treaty_id = links.treaty_id

    left join article_counts
        on treaties.treaty_id = article_counts.treaty_id

    left join provision_counts
        on treaties.treaty_id = provision_counts.treaty_id

)

select * from final
