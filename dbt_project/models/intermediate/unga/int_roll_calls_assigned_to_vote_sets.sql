-- One row per roll call and vote set it belongs to (macro vote_sets(): `all`, `resolutions`,
-- `important`, Voeten's six issue codes, `voeten_2015`), with the roll call's calendar year
-- and session. Every roll call is in `all`; the other sets are subsets of it.

with

roll_calls as (

    select * from {{ ref('dim_roll_call') }}

),

assigned as (

    {% for vote_set in vote_sets() %}
    select
        rcid,
        '{{ vote_set.vote_set }}'::text as vote_set,
        year,
        session,
        is_important

    from roll_calls

    where {{ vote_set.predicate }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from assigned
