{{ config(alias='country_session_hegemon_affinity') }}
{{ bi_view('country_session_hegemon_affinity') }}
