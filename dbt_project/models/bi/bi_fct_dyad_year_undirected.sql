{{ config(alias='fct_dyad_year_undirected') }}
{{ bi_view('fct_dyad_year_undirected') }}
