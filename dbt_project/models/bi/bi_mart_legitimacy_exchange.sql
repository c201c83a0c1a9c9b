{{ config(alias='mart_legitimacy_exchange') }}
{{ bi_view('mart_legitimacy_exchange') }}
