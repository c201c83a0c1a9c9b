{{ config(alias='dim_hegemon') }}
{{ bi_view('dim_hegemon') }}
