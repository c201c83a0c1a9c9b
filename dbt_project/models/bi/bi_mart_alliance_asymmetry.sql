{{ config(alias='mart_alliance_asymmetry') }}
{{ bi_view('mart_alliance_asymmetry') }}
