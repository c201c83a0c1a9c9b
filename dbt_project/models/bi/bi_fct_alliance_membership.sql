{{ config(alias='fct_alliance_membership') }}
{{ bi_view('fct_alliance_membership') }}
