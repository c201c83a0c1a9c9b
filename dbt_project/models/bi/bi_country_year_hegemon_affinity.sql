{{ config(alias='country_year_hegemon_affinity') }}
{{ bi_view('country_year_hegemon_affinity') }}
