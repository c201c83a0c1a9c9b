{#
    postgres__create_table_as(): dbt-postgres's table creation, unchanged except for the models
    that opt in with config(contract_build='create_table_as').

    dbt-postgres creates a table with an enforced contract as CREATE TABLE (typed columns and
    constraints) followed by INSERT ... SELECT, and PostgreSQL never runs the SELECT of an
    INSERT in parallel; it does run the SELECT of a CREATE TABLE AS in parallel. For the models
    that opt in, the contract is enforced in the same three ways, in another order:
    - dbt's check that the query's column names and types are the contract's (before anything
      is created);
    - CREATE TABLE AS with every column cast to its contracted type, in the contract's order;
    - the constraints, added by ALTER TABLE, which checks every row: a violating row fails the
      build, and the transaction leaves the previous table in place.
    Supported constraints: not_null on columns, and any model-level constraint. Temporary
    tables (incremental runs) and every other model take dbt-postgres's own path.
#}

{% macro postgres__create_table_as(temporary, relation, sql) -%}
    {%- set contract_config = config.get('contract') -%}
    {%- if temporary
        or not (contract_config and contract_config.enforced)
        or config.get('contract_build') != 'create_table_as' -%}
        {{ return(dbt.postgres__create_table_as(temporary, relation, sql)) }}
    {%- endif -%}

    {%- set names = {} -%}
    {%- set not_null_columns = [] -%}
    {%- for column in model['columns'].values() -%}
        {%- do names.update({column['name']:
            adapter.quote(column['name']) if column['quote'] else column['name']}) -%}
        {%- for constraint in column['constraints'] -%}
            {%- if constraint['type'] == 'not_null' -%}
                {%- do not_null_columns.append(names[column['name']]) -%}
            {%- else -%}
                {%- do exceptions.raise_compiler_error(
                    "contract_build='create_table_as' supports not_null column constraints "
                    ~ "only; declare the " ~ constraint['type'] ~ " constraint of column "
                    ~ column['name'] ~ " at the model level") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {{ get_assert_columns_equivalent(sql) }}
    create {% if config.get('unlogged', default=false) -%} unlogged {%- endif %} table {{ relation }} as (
        select
            {%- for column in model['columns'].values() %}
            {{ names[column['name']] }}::{{ column['data_type'] }} as {{ names[column['name']] }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from (
            {{ sql }}
        ) as model_subq
    );
    {%- if not_null_columns %}
    alter table {{ relation }}
        {%- for name in not_null_columns %}
        alter column {{ name }} set not null{{ "," if not loop.last else ";" }}
        {%- endfor %}
    {%- endif %}
    {%- for constraint in adapter.render_raw_model_constraints(raw_constraints=model['constraints']) %}
    alter table {{ relation }} add {{ constraint }};
    {%- endfor %}
{%- endmacro %}
