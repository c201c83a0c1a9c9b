{#
    clean_constraint_names(): post-hook of every mart (dbt_project.yml) that gives the table's
    constraints the names a BI tool shows: `dim_country_pkey`, not `dim_country__dbt_tmp_pkey`.

    dbt-postgres builds a table as `<name>__dbt_tmp`, renames the old table to
    `<name>__dbt_backup`, the new one to `<name>`, runs the post-hooks, commits, and drops the
    backup; PostgreSQL names a constraint declared without a name after the table it was
    created on (`<name>__dbt_tmp_pkey`). A primary key's index name must be unique in the
    schema, so the clean name is free only once the backup is gone: this hook drops the backup
    first (dbt's own drop then finds nothing), then strips `__dbt_tmp` from every constraint
    name; a primary key is named `<table>_pkey` whatever PostgreSQL chose (it appends a digit
    when the name it wanted was taken). Idempotent: an incremental run, which recreates
    nothing, finds nothing to rename.
    The backup is dropped with CASCADE, as dbt drops it: foreign keys of other marts that
    pointed at the old table go with it and come back when those marts are rebuilt, which the
    refresh does, as they are downstream of the table they reference.
#}

{% macro clean_constraint_names() %}
    {%- if model.config.materialized in ('table', 'incremental') -%}
    {%- set backup = this.incorporate(path={"identifier": this.identifier ~ "__dbt_backup"}) -%}
    drop table if exists {{ backup }} cascade;
    do $clean$
    declare
        c record;
    begin
        for c in
            select
                conname,
                case
                    when contype = 'p' then '{{ this.identifier }}_pkey'
                    else replace(conname, '__dbt_tmp', '')
                end as clean_name
            from pg_constraint
            where conrelid = '{{ this }}'::regclass
        loop
            if c.conname <> c.clean_name then
                execute format('alter table {{ this }} rename constraint %I to %I',
                               c.conname, c.clean_name);
            end if;
        end loop;
    end
    $clean$
    {%- endif -%}
{% endmacro %}
