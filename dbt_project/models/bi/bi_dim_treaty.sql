{{ config(alias='dim_treaty') }}
{{ bi_view('dim_treaty') }}
