{{ config(alias='dim_alliance') }}
{{ bi_view('dim_alliance') }}
