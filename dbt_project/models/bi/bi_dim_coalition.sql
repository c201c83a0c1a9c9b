{{ config(alias='dim_coalition') }}
{{ bi_view('dim_coalition') }}
