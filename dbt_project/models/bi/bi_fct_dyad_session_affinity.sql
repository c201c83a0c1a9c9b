{{ config(alias='fct_dyad_session_affinity') }}
{{ bi_view('fct_dyad_session_affinity') }}
