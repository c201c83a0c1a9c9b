{{ config(alias='dim_country') }}
{{ bi_view('dim_country') }}
