{{ config(alias='mart_hegemon_partner_hierarchy') }}
{{ bi_view('mart_hegemon_partner_hierarchy') }}
