{{ config(materialized='view') }}

-- The directed dyad-year universe without the ideal-point distance: each undirected pair's row
-- of int_dyad_years_joined as it is (a = the smaller code) and swapped (a = the larger code,
-- a's obligations and capabilities b's and the other way round), with the capability ratio.
-- fct_dyad_year is this view with the distance joined; the models that need no ideal point
-- (mart_hegemon_partners) read it here, so they are built with the vote models, not after the
-- ideal-point estimation. A filter on ccode_a or ccode_b reaches both halves (UNION ALL), so
-- `where ccode_a = 2` reads only the USA's pairs.

{#- Each column of the directed rows, in order: the expression of the as-is half and that of the
    swapped half (the other state's column), over int_dyad_years_joined. -#}
{%- set flags = ['defense', 'offense', 'neutral', 'nonagg', 'consul'] %}
{%- set columns = [('ccode_a', 'ccode_b'), ('ccode_b', 'ccode_a'), ('year', 'year'),
                   ('is_allied', 'is_allied')] %}
{%- for direction in ['a_to_b', 'b_to_a'] %}
{%- for flag in flags %}
{%- do columns.append((flag ~ '_' ~ direction,
                       flag ~ '_' ~ ('b_to_a' if direction == 'a_to_b' else 'a_to_b'))) %}
{%- endfor %}
{%- endfor %}
{%- do columns.extend([
    ('atop_ordinal_a_to_b', 'atop_ordinal_b_to_a'), ('atop_ordinal_b_to_a', 'atop_ordinal_a_to_b'),
    ('asymm', 'asymm'), ('n_alliances', 'n_alliances'), ('cinc_a', 'cinc_b'), ('cinc_b', 'cinc_a'),
    ('capability_ratio', 'capability_ratio'),
    ('is_major_power_a', 'is_major_power_b'), ('is_major_power_b', 'is_major_power_a')]) %}
{%- for measure in ['n_joint', 'agree_exact', 'agree_voeten', 's_score', 'cohen_kappa',
                    'scott_pi', 'agree_exact_important'] %}
{%- do columns.append(('unga_' ~ measure, 'unga_' ~ measure)) %}
{%- endfor %}
{%- for measure in ['n_joint', 'agree_exact', 's_score', 'cohen_kappa'] %}
{%- do columns.append(('unga_session_' ~ measure, 'unga_session_' ~ measure)) %}
{%- endfor %}
{%- set ratio = {'as_is': 'undirected.cinc_a / nullif(undirected.cinc_b, 0)',
                 'swapped': 'undirected.cinc_b / nullif(undirected.cinc_a, 0)'} %}

with

-- read by both halves: not materialized, so that each half's filters reach the table
undirected as not materialized (

    select * from {{ ref('int_dyad_years_joined') }}

),

{%- for half in ['as_is', 'swapped'] %}

{{ half }} as (

    select
        {%- for column, other in columns %}
        {%- set source = column if half == 'as_is' else other %}
        {%- if column == 'capability_ratio' %}
        {{ ratio[half] }} as capability_ratio{{ ',' if not loop.last }}
        {%- else %}
        undirected.{{ source }} as {{ column }}{{ ',' if not loop.last }}
        {%- endif %}
        {%- endfor %}

    from undirected

),
{%- endfor %}

final as (

    select * from as_is

    union all

    select * from swapped

)

select * from final
