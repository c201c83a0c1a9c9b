{#- Measures are rounded to 10 decimal places: far below any substantive difference, and it
    makes results identical across runs, platforms and hand-worked unit tests. -#}
{% macro round_measure(expression) -%}
    round(({{ expression }})::numeric, 10)::float8
{%- endmacro %}
