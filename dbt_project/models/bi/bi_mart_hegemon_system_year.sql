{{ config(alias='mart_hegemon_system_year') }}
{{ bi_view('mart_hegemon_system_year') }}
