{{ config(alias='dim_source_coverage') }}
{{ bi_view('dim_source_coverage') }}
