{{ config(alias='treaty_atop_comparison') }}
{{ bi_view('treaty_atop_comparison') }}
