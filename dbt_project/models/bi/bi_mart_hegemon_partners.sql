{{ config(alias='mart_hegemon_partners') }}
{{ bi_view('mart_hegemon_partners') }}
