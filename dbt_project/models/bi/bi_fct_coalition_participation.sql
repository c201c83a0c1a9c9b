{{ config(alias='fct_coalition_participation') }}
{{ bi_view('fct_coalition_participation') }}
