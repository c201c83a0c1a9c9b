{{ config(alias='fct_treaty_provision') }}
{{ bi_view('fct_treaty_provision') }}
