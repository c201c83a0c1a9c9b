{#- Generic data tests the project needs (no dbt_utils offline). Each returns failing rows. -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{% test value_between(model, column_name, min_value=none, max_value=none, tolerance=1e-9) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {% if min_value is not none %} or {{ column_name }} < {{ min_value }} - {{ tolerance }}{% endif %}
            {% if max_value is not none %} or {{ column_name }} > {{ max_value }} + {{ tolerance }}{% endif %}
        )
{% endtest %}


{% test not_null_where(model, column_name, where_clause) %}
    select *
    from {{ model }}
    where {{ column_name }} is null and ({{ where_clause }})
{% endtest %}


{#- Several bounded measures of one model in one scan (a value_between per column would read a
    large fact once per column): bounds maps each column to [min, max], either may be null. -#}
{% test measures_between(model, bounds, tolerance=1e-9) %}
    select *
    from {{ model }}
    where
        false
        {%- for column, bound in bounds.items() %}
        {%- if bound[0] is not none %} or {{ column }} < {{ bound[0] }} - {{ tolerance }}{% endif %}
        {%- if bound[1] is not none %} or {{ column }} > {{ bound[1] }} + {{ tolerance }}{% endif %}
        {%- endfor %}
{% endtest %}


{#- The tests of the UNGA counts tables (int_dyad_{year,session}_votes_counted): one row per
    dyad and period with each vote set's nine counts side by side (n_joint__all, ...), which
    the affinity facts lay out one row per vote set. Each reads the table once, its 0.8
    million rows, not the facts' 7.6 million. -#}

{#- Every vote set is a subset of `all`: for every dyad and period, n_joint of a set is at most
    n_joint of `all` (and `all` has counts where the set has). Returns the violating
    dyad-periods. -#}
{% test vote_sets_within_all(model, period) %}
    select
        {{ period }},
        ccode_a,
        ccode_b

    from {{ model }}

    where
        false
        {%- for vote_set in vote_sets() if vote_set.vote_set != 'all' %}
        or n_joint__{{ vote_set.vote_set }} > coalesce(n_joint__all, -1)
        {%- endfor %}
{% endtest %}


{#- Each vote set's nine counts are either all null (a country cast no vote in the set that
    period) or related as counts of one table must be, which bounds every measure
    (0 <= agree_exact <= 1, ...). Returns the rows that break it. -#}
{% test vote_counts_consistent(model) %}
    select *

    from {{ model }}

    where
        false
        {%- for vote_set in vote_sets() %}
        {%- set s = vote_set.vote_set %}
        or not coalesce(
            n_agree__{{ s }} >= 0 and n_opposite__{{ s }} >= 0
            and n_agree__{{ s }} + n_opposite__{{ s }} <= n_joint__{{ s }}
            and n_yes_a__{{ s }} >= 0 and n_no_a__{{ s }} >= 0
            and n_yes_a__{{ s }} + n_no_a__{{ s }} <= n_joint__{{ s }}
            and n_yes_b__{{ s }} >= 0 and n_no_b__{{ s }} >= 0
            and n_yes_b__{{ s }} + n_no_b__{{ s }} <= n_joint__{{ s }}
            and n_agree_important__{{ s }} >= 0
            and n_agree_important__{{ s }} <= n_joint_important__{{ s }}
            and n_joint_important__{{ s }} <= n_joint__{{ s }},
            (
                {%- for count in vote_count_names() -%}
                {{ count }}__{{ s }}{{ ', ' if not loop.last }}
                {%- endfor -%}
            ) is null
        )
        {%- endfor %}
{% endtest %}


{#- The key of a counts table built by a self-join of a packed table (one row per period, vote
    set and country): every period and vote set has counts for exactly the k (k - 1) / 2 dyads
    of its k countries, each with ccode_a < ccode_b, and every row has counts of `all`. The
    self-join a.ccode < b.ccode of one row per country and period can only produce distinct
    pairs, so with the right count per group no dyad is duplicated or missing; a group by of
    the key would sort the whole table. Returns the groups that differ. -#}
{% test dyads_complete_and_unique(model, packed, period) %}
    with

    expected as (

        select {{ period }}, vote_set, (count(*) * (count(*) - 1) / 2)::bigint as n_dyads
        from {{ packed }}
        group by {{ period }}, vote_set

    ),

    per_period as (

        select
            {{ period }},
            count(*) filter (where not ccode_a < ccode_b) as n_unordered,
            count(*) - count(n_joint__all) as n_without_all,
            {%- for vote_set in vote_sets() %}
            count(n_joint__{{ vote_set.vote_set }})::bigint as n__{{ vote_set.vote_set }}{{ ',' if not loop.last }}
            {%- endfor %}

        from {{ model }}

        group by {{ period }}

    ),

    found as (

        select
            per_period.{{ period }},
            sets.vote_set,
            sets.n_dyads,
            per_period.n_unordered,
            per_period.n_without_all

        from per_period

        cross join lateral (
            values
            {%- for vote_set in vote_sets() %}
                ('{{ vote_set.vote_set }}', per_period.n__{{ vote_set.vote_set }}){{ ',' if not loop.last }}
            {%- endfor %}
        ) as sets (vote_set, n_dyads)

        where sets.n_dyads > 0

    )

    select
        coalesce(expected.{{ period }}, found.{{ period }}) as {{ period }},
        coalesce(expected.vote_set, found.vote_set) as vote_set,
        expected.n_dyads as n_expected,
        found.n_dyads as n_found,
        found.n_unordered,
        found.n_without_all

    from expected

    full outer join found
        on expected.{{ period }} = found.{{ period }}
        and expected.vote_set = found.vote_set

    where
        expected.n_dyads is distinct from found.n_dyads
        or found.n_unordered > 0
        or found.n_without_all > 0
{% endtest %}


{#- Every row satisfies a boolean SQL expression; returns the rows that do not. -#}
{% test rows_satisfy(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
