{#- Models land in the schema their folder names (staging, intermediate, marts), not in
    "<target>_<folder>": analysts and BI tools see stable schema names.

    Write-audit-publish: a refresh (etl.transform.build) sets the var `wap_schema_suffix`
    (e.g. "__shadow"), so that every node it builds lands in a shadow schema beside the
    published one (marts__shadow, intermediate__shadow, ...), which analysts cannot read. Only
    when every model and test passed are the built relations moved into the published schemas,
    in one transaction (etl.transform.publish). With the var empty (the default: `alliances
    dbt ...`, docs, the report) nodes resolve to the published schemas. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set base = target.schema if custom_schema_name is none else custom_schema_name | trim -%}
    {{ base ~ var('wap_schema_suffix', '') }}
{%- endmacro %}
