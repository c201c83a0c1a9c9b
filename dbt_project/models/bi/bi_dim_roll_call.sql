{{ config(alias='dim_roll_call') }}
{{ bi_view('dim_roll_call') }}
