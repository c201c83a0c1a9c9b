{{ config(alias='fct_alliance_dyad_year') }}
{{ bi_view('fct_alliance_dyad_year') }}
