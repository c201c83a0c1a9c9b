{#-
    The UNGA vote sets: named subsets of the reconciled roll calls (dim_roll_call) over which the
    affinity facts are computed. One definition serves dim_vote_set (the names, descriptions and
    rules analysts read) and int_roll_calls_assigned_to_vote_sets (the SQL that applies them), so
    the two cannot drift apart. Each `predicate` is a boolean expression over dim_roll_call's
    columns; every set is a subset of `all` by construction (and tested: n_joint(set) <= n_joint(all)).
-#}
{% macro vote_sets() -%}
    {{ return([
        {'vote_set': 'all', 'sort_order': 1,
         'description': 'Every reconciled roll call of both releases (Voeten 2015 and unvotes 2021).',
         'rule': 'every roll call in dim_roll_call',
         'predicate': 'true'},
        {'vote_set': 'resolutions', 'sort_order': 2,
         'description': 'Votes on whole resolutions and decisions: no amendment or paragraph votes.',
         'rule': 'is_amendment = false and is_paragraph = false',
         'predicate': 'not is_amendment and not is_paragraph'},
        {'vote_set': 'important', 'sort_order': 3,
         'description': 'The US State Department\'s important votes (its annual report "Voting Practices in the United Nations", from 1983).',
         'rule': 'is_important = true',
         'predicate': 'is_important'},
        {'vote_set': 'me', 'sort_order': 4,
         'description': 'Voeten issue code me: the Palestinian conflict.',
         'rule': 'is_issue_me = true',
         'predicate': 'is_issue_me'},
        {'vote_set': 'nu', 'sort_order': 5,
         'description': 'Voeten issue code nu: nuclear weapons and nuclear material.',
         'rule': 'is_issue_nu = true',
         'predicate': 'is_issue_nu'},
        {'vote_set': 'di', 'sort_order': 6,
         'description': 'Voeten issue code di: arms control and disarmament.',
         'rule': 'is_issue_di = true',
         'predicate': 'is_issue_di'},
        {'vote_set': 'hr', 'sort_order': 7,
         'description': 'Voeten issue code hr: human rights.',
         'rule': 'is_issue_hr = true',
         'predicate': 'is_issue_hr'},
        {'vote_set': 'co', 'sort_order': 8,
         'description': 'Voeten issue code co: colonialism.',
         'rule': 'is_issue_co = true',
         'predicate': 'is_issue_co'},
        {'vote_set': 'ec', 'sort_order': 9,
         'description': 'Voeten issue code ec: economic development.',
         'rule': 'is_issue_ec = true',
         'predicate': 'is_issue_ec'},
        {'vote_set': 'voeten_2015', 'sort_order': 10,
         'description': 'Only the roll calls of Voeten\'s published release (sessions 1-70, 1946-2015), so that figures computed from that vintage are reproduced; votes as reconciled in fct_vote.',
         'rule': "in_releases in ('both', 'voeten')",
         'predicate': "in_releases in ('both', 'voeten')"},
    ]) }}
{%- endmacro %}
