with

provisions as (

    select * from {{ ref('stg_treaties__provisions') }}

),

articles as (

    select * from {{ ref('stg_treaties__articles') }}

),

treaties as (

    select treaty_id, treaty_text from {{ ref('stg_treaties__treaties') }}

),

final as (

    select
        provisions.treaty_id,
        provisions.provision_ordinal,
        provisions.article_number,
        articles.article_label,
        articles.article_ordinal,
        articles.article_kind,
        articles.article_heading,
        provisions.provision_type,
        provisions.detection_rule,
        provisions.binding,
        provisions.binding = 'all_parties' as is_mutual,
        provisions.obligated_party,
        provisions.beneficiary,
        provisions.span_start,
        provisions.span_end,
        provisions.line_number::integer as line_number,
        provisions.snippet,
        -- the span's offsets (0-based, end exclusive) select exactly the snippet in the full text
        substr(treaties.treaty_text, provisions.span_start + 1,
            provisions.span_end - provisions.span_start) = provisions.snippet
            as is_span_verified

    from provisions

    inner join articles
        on provisions.treaty_id = articles.treaty_id
        and provisions.article_number = articles.article_number

    inner join treaties
        on provisions.treaty_id = treaties.treaty_id

)

select * from final
