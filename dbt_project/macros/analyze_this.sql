{#
    analyze_this(): post-hook of every model (dbt_project.yml): fresh planner statistics for a
    table as soon as it is (re)built, before its tests and the models downstream read it.
    CREATE TABLE AS gathers none, and autovacuum comes later: without them the tests and the
    next models are planned blind (a self-join of fct_vote without statistics picks a merge
    join that is more than twice as slow), and so would the first BI queries after a refresh.
    ANALYZE samples a fixed number of rows, so this costs a fraction of a second even on the
    largest tables, and it runs on dbt's threads beside other nodes rather than after the whole
    build. Views have no statistics of their own: nothing to do.
#}

{% macro analyze_this() %}
    {%- if model.config.materialized in ('table', 'incremental') -%}
    analyze {{ this }}
    {%- endif -%}
{% endmacro %}
