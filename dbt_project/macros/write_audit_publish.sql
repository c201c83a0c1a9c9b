{#- Write-audit-publish (see generate_schema_name): what a build into the shadow schemas needs.

    ref(): a node that this run builds, or that an earlier run of the same refresh already built
    into the shadow, resolves to its shadow relation; any other node (not selected, so not
    rebuilt) resolves to its published relation, which is exactly what it still is. dbt's own
    --defer does the same from a saved manifest; here the published schema is known without one.
-#}
{% macro ref() %}
    {%- set version = kwargs.get('version') or kwargs.get('v') -%}
    {%- if (varargs | length) == 1 -%}
        {%- set relation = builtins.ref(varargs[0], version=version) -%}
    {%- else -%}
        {%- set relation = builtins.ref(varargs[0], varargs[1], version=version) -%}
    {%- endif -%}
    {{ return(wap_resolve(relation, varargs[-1])) }}
{% endmacro %}


{% macro wap_published_schema(schema) -%}
    {%- set suffix = var('wap_schema_suffix', '') -%}
    {%- if suffix and schema and schema.endswith(suffix) -%}
        {{ return(schema[:(schema | length) - (suffix | length)]) }}
    {%- endif -%}
    {{ return(schema) }}
{%- endmacro %}


{% macro wap_resolve(relation, model_name) %}
    {%- set suffix = var('wap_schema_suffix', '') -%}
    {%- if not execute or not suffix or relation.schema is none
        or not relation.schema.endswith(suffix) -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type in ('model', 'seed', 'snapshot') and node.name == model_name -%}
        {%- if node.unique_id in selected_resources
            or node.config.materialized == 'ephemeral' -%}
            {{ return(relation) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if adapter.get_relation(database=relation.database, schema=relation.schema,
                                identifier=relation.identifier) is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(relation.incorporate(path={'schema': wap_published_schema(relation.schema)})) }}
{% endmacro %}


{#- on-run-start: an incremental model that this run builds incrementally starts from its
    published rows, copied into the shadow (LIKE ... INCLUDING ALL keeps its constraints and
    indexes), so that it rewrites only the periods whose inputs changed, as it does in place.
    A full refresh builds it from scratch and copies nothing. -#}
{% macro wap_copy_incremental_models() %}
    {%- if execute and var('wap_schema_suffix', '') and not flags.FULL_REFRESH -%}
        {%- for node in graph.nodes.values()
            if node.unique_id in selected_resources
            and node.resource_type == 'model'
            and node.config.materialized == 'incremental' -%}
            {%- set published = adapter.get_relation(
                database=node.database, schema=wap_published_schema(node.schema),
                identifier=node.alias) -%}
            {%- set shadow = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if published is not none and shadow is none -%}
                {%- set target_relation = api.Relation.create(
                    database=node.database, schema=node.schema, identifier=node.alias,
                    type='table') -%}
                {%- do run_query(
                    'create schema if not exists ' ~ adapter.quote(node.schema) ~ ';'
                    ~ ' create table ' ~ target_relation
                    ~ ' (like ' ~ published ~ ' including all);'
                    ~ ' insert into ' ~ target_relation ~ ' select * from ' ~ published ~ ';') -%}
                {%- do adapter.cache_added(target_relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{#- A foreign key's `to: ref(...)` is compiled by dbt itself (not through ref() above), always
    into the shadow schema. Rendered model constraints go through here: a foreign key to a
    relation this run did not build into the shadow points at its published relation, as the
    model's own SELECT does. -#}
{% macro wap_published_references(rendered) %}
    {%- set suffix = var('wap_schema_suffix', '') -%}
    {%- if not execute or not suffix or ' references ' not in rendered -%}
        {{ return(rendered) }}
    {%- endif -%}
    {%- set head = rendered.split(' references ', 1)[0] -%}
    {%- set tail = rendered.split(' references ', 1)[1] -%}
    {%- set target = tail.split(' (', 1)[0] -%}
    {%- set parts = target.split('.') -%}
    {%- if parts | length != 3 -%}
        {{ return(rendered) }}
    {%- endif -%}
    {%- set database = parts[0].strip('"') -%}
    {%- set schema = parts[1].strip('"') -%}
    {%- set identifier = parts[2].strip('"') -%}
    {%- if not schema.endswith(suffix)
        or adapter.get_relation(database=database, schema=schema,
                                identifier=identifier) is not none -%}
        {{ return(rendered) }}
    {%- endif -%}
    {%- set published = api.Relation.create(database=database,
                                            schema=wap_published_schema(schema),
                                            identifier=identifier) -%}
    {{ return(head ~ ' references ' ~ published ~ tail[(target | length):]) }}
{% endmacro %}


{% macro wap_model_constraints() %}
    {%- set rendered = [] -%}
    {%- for c in adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
        {%- do rendered.append(wap_published_references(c)) -%}
    {%- endfor -%}
    {{ return(rendered) }}
{% endmacro %}


{#- dbt's table_columns_and_constraints, with the model constraints through
    wap_published_references. -#}
{% macro postgres__get_table_columns_and_constraints() -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(
        raw_columns=model['columns']) -%}
    {%- set raw_model_constraints = wap_model_constraints() -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
