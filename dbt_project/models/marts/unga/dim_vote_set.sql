-- One row per vote set: its name, what it holds and the rule that selects its roll calls, from
-- the macro vote_sets() that int_roll_calls_assigned_to_vote_sets applies.

with

vote_sets as (

    {% for vote_set in vote_sets() %}
    select
        '{{ vote_set.vote_set }}'::text as vote_set,
        {{ vote_set.sort_order }}::integer as sort_order,
        $description${{ vote_set.description }}$description$::text as description,
        $rule${{ vote_set.rule }}$rule$::text as rule
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select * from vote_sets

)

select * from final
