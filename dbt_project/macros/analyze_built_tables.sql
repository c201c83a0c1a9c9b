{#
    on-run-end: fresh planner statistics for every table this run (re)built, so that the first BI
    queries after a refresh are planned on the tables' real size and contents instead of waiting
    for autovacuum (a self-join of fct_vote without statistics picks a merge join that is more
    than twice as slow). Views have no statistics of their own; failed and skipped nodes are
    left alone.
#}

{% macro analyze_built_tables(results) %}
    {%- if execute -%}
        {%- for result in results
            if result.node.resource_type == 'model'
            and result.status == 'success'
            and result.node.config.materialized in ('table', 'incremental') -%}
            {%- set relation = adapter.get_relation(
                database=result.node.database,
                schema=result.node.schema,
                identifier=result.node.alias) -%}
            {%- if relation is not none -%}
                {%- do run_query('analyze ' ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
