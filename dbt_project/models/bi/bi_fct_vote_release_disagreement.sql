{{ config(alias='fct_vote_release_disagreement') }}
{{ bi_view('fct_vote_release_disagreement') }}
