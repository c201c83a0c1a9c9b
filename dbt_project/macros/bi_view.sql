{#
    bi_view(mart): the BI-facing view of a mart (schema bi, one view per mart, same name).

    Every column of the mart, in its order, with:
    - a country name beside every COW code column, from dim_country (ccode -> country_name,
      ccode_a -> country_name_a, partner_ccode -> partner_name, ...), unless the mart has a
      column of that name already; a code outside the COW state list gets a null name;
    - arrays as comma-separated text (`3180,3215`) and jsonb as its JSON text, which Tableau,
      Power BI and Metabase read as plain text.
    The columns are read from the built mart when the view is built (get_columns_in_relation),
    so a mart that gains or loses a column needs no edit here.
#}

{% macro bi_name_column(column_name) -%}
    {%- if column_name == 'ccode' -%} country_name
    {%- elif column_name.startswith('ccode_') -%} country_name_{{ column_name[6:] }}
    {%- elif column_name.endswith('_ccode') -%} {{ column_name[:-6] }}_name
    {%- endif -%}
{%- endmacro %}

{% macro bi_view(mart) %}
    {%- set relation = ref(mart) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
    {%- set existing = columns | map(attribute='name') | list -%}
    {%- set joins = [] %}
with

countries as (

    select ccode, country_name from {{ ref('dim_country') }}

),

final as (

    select
    {%- for column in columns %}
        {%- set quoted = adapter.quote(column.name) %}
        {%- if column.data_type == 'ARRAY' %}
        array_to_string(m.{{ quoted }}, ',') as {{ quoted }}
        {%- elif column.data_type in ('jsonb', 'json') %}
        m.{{ quoted }}::text as {{ quoted }}
        {%- else %}
        m.{{ quoted }}
        {%- endif %}
        {%- set name_column = bi_name_column(column.name) | trim %}
        {%- if name_column and name_column not in existing
            and column.data_type in ('integer', 'bigint', 'smallint') %}
            {%- do joins.append(column.name) %},
        c{{ joins | length }}.country_name as {{ name_column }}
        {%- endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    from {{ relation }} as m
    {%- for code in joins %}
    left join countries as c{{ loop.index }} on c{{ loop.index }}.ccode = m.{{ adapter.quote(code) }}
    {%- endfor %}

)

select * from final
{% endmacro %}


{#
    grant_bi_schema(): on-run-end, once per dbt invocation, the analyst role (dbt var
    analyst_role) gets USAGE on schema bi when it exists (dbt's +grants give SELECT on each
    view). Not a post-hook of each view: two concurrent GRANTs on one schema fail in
    PostgreSQL ("tuple concurrently updated") when dbt builds views on several threads.
#}
{% macro grant_bi_schema() %}
    {%- if execute -%}
        {%- set exists = run_query(
            "select 1 from pg_namespace where nspname = 'bi'") -%}
        {%- if exists.rows | length > 0 -%}
            {%- do run_query('grant usage on schema bi to ' ~ adapter.quote(var('analyst_role'))) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
