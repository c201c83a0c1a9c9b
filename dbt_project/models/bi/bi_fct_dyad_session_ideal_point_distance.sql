{{ config(alias='fct_dyad_session_ideal_point_distance') }}
{{ bi_view('fct_dyad_session_ideal_point_distance') }}
