{{ config(alias='build_info') }}
{{ bi_view('build_info') }}
