{{ config(alias='fct_dyad_year_affinity') }}
{{ bi_view('fct_dyad_year_affinity') }}
