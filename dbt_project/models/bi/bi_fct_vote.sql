{{ config(alias='fct_vote') }}
{{ bi_view('fct_vote') }}
