{{ config(alias='fct_country_session_ideal_point') }}
{{ bi_view('fct_country_session_ideal_point') }}
