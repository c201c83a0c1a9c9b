{{ config(alias='fct_capability_year') }}
{{ bi_view('fct_capability_year') }}
