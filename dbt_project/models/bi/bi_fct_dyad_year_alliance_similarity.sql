{{ config(alias='fct_dyad_year_alliance_similarity') }}
{{ bi_view('fct_dyad_year_alliance_similarity') }}
