{{ config(alias='dim_vote_set') }}
{{ bi_view('dim_vote_set') }}
