{#- Generic data tests the project needs (no dbt_utils offline). Each returns failing rows. -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{% test value_between(model, column_name, min_value=none, max_value=none, tolerance=1e-9) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {% if min_value is not none %} or {{ column_name }} < {{ min_value }} - {{ tolerance }}{% endif %}
            {% if max_value is not none %} or {{ column_name }} > {{ max_value }} + {{ tolerance }}{% endif %}
        )
{% endtest %}


{% test not_null_where(model, column_name, where_clause) %}
    select *
    from {{ model }}
    where {{ column_name }} is null and ({{ where_clause }})
{% endtest %}
