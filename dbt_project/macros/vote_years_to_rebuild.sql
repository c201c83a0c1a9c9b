{#- The calendar years an incremental vote model must rebuild: every year on a first or full
    build; afterwards, the years whose input fingerprint differs from the last successful build
    (int_vote_years_built), including years that appeared. -#}
{% macro vote_years_to_rebuild() -%}
    {%- set built = adapter.get_relation(
        database=target.database, schema='intermediate', identifier='int_vote_years_built') -%}
    {%- if built is none or flags.FULL_REFRESH -%}
        (select year from {{ ref('int_vote_years_fingerprinted') }})
    {%- else -%}
        (
            select current_years.year
            from {{ ref('int_vote_years_fingerprinted') }} as current_years
            left join {{ built }} as built_years
                on current_years.year = built_years.year
            where built_years.fingerprint is distinct from current_years.fingerprint
        )
    {%- endif -%}
{%- endmacro %}


{#- pre-hook of the incremental vote models: remove the years no longer in any source (a
    delete+insert only replaces the years it inserts). -#}
{% macro delete_vanished_vote_years() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where year not in (select year from {{ ref('int_vote_years_fingerprinted') }})
    {%- endif -%}
{%- endmacro %}
