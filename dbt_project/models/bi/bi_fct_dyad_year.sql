{{ config(alias='fct_dyad_year') }}
{{ bi_view('fct_dyad_year') }}
