{#-
    The UNGA affinity models at two grains, calendar year and session, share their SQL through
    these macros; `period` is the column that names the grain ('year' or 'session'), and every
    row also carries its vote set (macro vote_sets()).

    position_roll_calls(period): one row per roll call and vote set with its position among the
    set's roll calls of its period (rcid order) and a one-hot bit string of that length.

    pack_votes(period): one row per country, period and vote set with its votes packed into bit
    strings over the set's roll calls of the period (bit i = roll call i), so that the dyadic
    counts are bitwise ANDs and bit_count()s instead of a self-join of every vote on rcid.

    dyad_vote_counts(period, packed, pair_condition): one row per dyad and period with the nine
    counts of each vote set side by side (n_joint__all, ..., n_agree_important__voeten_2015;
    vote_count_names()), from the packed strings (bit_count()s of ANDs), for the pairs (a, b)
    of countries that pair_condition admits (default: every undirected dyad, a.ccode < b.ccode).
    A set's counts are null where either country cast no vote in it that period.
    affinity_measures(period, counts): one row per dyad, period and vote set (where the set has
    counts) with every measure from its counts, formulas in _unga__docs.md.
-#}

{% macro position_roll_calls(period) -%}
with

roll_calls as (

    select * from {{ ref('int_roll_calls_assigned_to_vote_sets') }}

),

positioned as (

    select
        rcid,
        vote_set,
        {{ period }},
        is_important,
        (row_number() over (partition by {{ period }}, vote_set order by rcid) - 1)::integer
            as position_in_{{ period }},
        (count(*) over (partition by {{ period }}, vote_set))::integer as n_roll_calls

    from roll_calls

),

final as (

    select
        *,
        set_bit(repeat('0', n_roll_calls)::varbit, position_in_{{ period }}, 1)::varbit
            as position_bit

    from positioned

)

select * from final
{%- endmacro %}


{% macro pack_votes(period, positioned) -%}
with

votes as (

    select * from {{ ref('fct_vote') }}

),

roll_calls as (

    select * from {{ positioned }}

),

period_masks as (

    select
        {{ period }},
        vote_set,
        max(n_roll_calls) as n_roll_calls,
        coalesce(
            bit_or(position_bit) filter (where is_important),
            repeat('0', max(n_roll_calls))::varbit
        ) as important_mask

    from roll_calls

    {% if is_incremental() %}
    where {{ period }} in {{ vote_periods_to_rebuild(period) }}
    {% endif %}

    group by {{ period }}, vote_set

),

packed as (

    select
        roll_calls.{{ period }},
        roll_calls.vote_set,
        votes.ccode,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'yes') as yes_bits,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'abstain') as abstain_bits,
        bit_or(roll_calls.position_bit) filter (where votes.vote = 'no') as no_bits

    from votes

    inner join roll_calls
        on votes.rcid = roll_calls.rcid

    where
        votes.vote in ('yes', 'no', 'abstain')
        {% if is_incremental() %}
        and votes.{{ period }} in {{ vote_periods_to_rebuild(period) }}
        {% endif %}

    group by roll_calls.{{ period }}, roll_calls.vote_set, votes.ccode

),

filled as (

    select
        packed.{{ period }},
        packed.vote_set,
        packed.ccode,
        period_masks.n_roll_calls,
        -- bit_or() returns type bit; varbit keeps each string's own length when cast
        coalesce(packed.yes_bits, repeat('0', period_masks.n_roll_calls)::varbit)::varbit
            as yes_bits,
        coalesce(packed.abstain_bits, repeat('0', period_masks.n_roll_calls)::varbit)::varbit
            as abstain_bits,
        coalesce(packed.no_bits, repeat('0', period_masks.n_roll_calls)::varbit)::varbit
            as no_bits,
        period_masks.important_mask::varbit as important_mask

    from packed

    inner join period_masks
        on packed.{{ period }} = period_masks.{{ period }}
        and packed.vote_set = period_masks.vote_set

),

final as (

    -- Every string the dyad fact ANDs with another country's, built once per country-period
    -- rather than once per dyad. Concatenating three one-hot strings lets one bit_count() add
    -- up three cells of the dyad's table: choice_bits & choice_bits counts the roll calls with
    -- the same vote, yes_no_bits & no_yes_bits those with opposite votes.
    select
        {{ period }},
        vote_set,
        ccode,
        n_roll_calls,
        yes_bits,
        abstain_bits,
        no_bits,
        (yes_bits | abstain_bits | no_bits)::varbit as voted_bits,
        (yes_bits || abstain_bits || no_bits)::varbit as choice_bits,
        (yes_bits || no_bits)::varbit as yes_no_bits,
        (no_bits || yes_bits)::varbit as no_yes_bits,
        important_mask,
        ((yes_bits | abstain_bits | no_bits) & important_mask)::varbit as important_voted_bits,
        (
            (yes_bits & important_mask)
            || (abstain_bits & important_mask)
            || (no_bits & important_mask)
        )::varbit as important_choice_bits

    from filled

)

select * from final
{%- endmacro %}


{#- The nine counts' names, in the order of the counts tables' column groups. -#}
{% macro vote_count_names() -%}
    {{ return(['n_joint', 'n_agree', 'n_opposite', 'n_yes_a', 'n_no_a', 'n_yes_b', 'n_no_b',
               'n_joint_important', 'n_agree_important']) }}
{%- endmacro %}


{% macro dyad_vote_counts(period, packed_relation, pair_condition='a.ccode < b.ccode',
                          incremental=true) -%}
{%- set strings = ['yes_bits', 'no_bits', 'voted_bits', 'choice_bits', 'yes_no_bits',
                   'no_yes_bits', 'important_voted_bits', 'important_choice_bits'] -%}
with

packed as (

    select * from {{ packed_relation }}

    {% if incremental and is_incremental() %}
    where {{ period }} in {{ vote_periods_to_rebuild(period) }}
    {% endif %}

),

countries as (

    -- One row per country and period with the strings of each of its vote sets side by side
    -- (null for a set the country cast no vote in), so that one self-join of the countries
    -- gives every vote set's counts of a dyad-period in one row, not one row per set.
    select
        {{ period }},
        ccode,
        {%- for vote_set in vote_sets() %}
        {%- set set_loop = loop %}
        {%- for string in strings %}
        (array_agg({{ string }}) filter (where vote_set = '{{ vote_set.vote_set }}'))[1]
            as {{ string }}__{{ vote_set.vote_set }}{{ ',' if not (set_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}

    from packed

    group by {{ period }}, ccode

),

final as (

    -- smallint: a period has far fewer than 32,767 roll calls, and the table is the largest of
    -- the warehouse, so every byte of a row counts. A set's counts are null where either
    -- country cast no vote in the set that period (bit_count of a null string).
    select
        a.{{ period }},
        a.ccode as ccode_a,
        b.ccode as ccode_b,
        {%- for vote_set in vote_sets() %}
        {%- set s = vote_set.vote_set %}
        bit_count(a.voted_bits__{{ s }} & b.voted_bits__{{ s }})::smallint as n_joint__{{ s }},
        bit_count(a.choice_bits__{{ s }} & b.choice_bits__{{ s }})::smallint as n_agree__{{ s }},
        bit_count(a.yes_no_bits__{{ s }} & b.no_yes_bits__{{ s }})::smallint as n_opposite__{{ s }},
        bit_count(a.yes_bits__{{ s }} & b.voted_bits__{{ s }})::smallint as n_yes_a__{{ s }},
        bit_count(a.no_bits__{{ s }} & b.voted_bits__{{ s }})::smallint as n_no_a__{{ s }},
        bit_count(a.voted_bits__{{ s }} & b.yes_bits__{{ s }})::smallint as n_yes_b__{{ s }},
        bit_count(a.voted_bits__{{ s }} & b.no_bits__{{ s }})::smallint as n_no_b__{{ s }},
        bit_count(a.important_voted_bits__{{ s }} & b.voted_bits__{{ s }})::smallint
            as n_joint_important__{{ s }},
        bit_count(a.important_choice_bits__{{ s }} & b.choice_bits__{{ s }})::smallint
            as n_agree_important__{{ s }}{{ ',' if not loop.last }}
        {%- endfor %}

    from countries as a

    inner join countries as b
        on a.{{ period }} = b.{{ period }}
        and {{ pair_condition }}

)

select * from final
{%- endmacro %}


{#- The measures of each dyad, period and vote set from its nine counts (dyad_vote_counts). -#}
{% macro affinity_measures(period, counts_relation, extra_columns=[]) -%}
with

counts as (

    -- the counts tables hold one row per dyad and period with each vote set's nine counts
    -- side by side (n_joint__hr, ...); here one row per vote set, where the set has counts.
    -- A filter on vote_set keeps just its branch: the planner drops the others unread.
    {%- for vote_set in vote_sets() %}
    {%- set s = vote_set.vote_set %}

    select
        {{ period }},
        '{{ s }}'::text as vote_set,
        ccode_a,
        ccode_b,
        {%- for count in vote_count_names() %}
        {{ count }}__{{ s }}::integer as {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ counts_relation }}

    where n_joint__{{ s }} is not null
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

sums as (

    -- Integer sums behind the squared-distance measures, with the votes coded yes = 2,
    -- abstain = 1, no = 0 (Hage's 1 / 2 / 3 reversed: the same distances). With a = n_yes_a,
    -- c = n_no_a, b = n_yes_b, d = n_no_b and n = n_joint:
    --   sum x = n + a - c, sum x^2 = n + 3a - c (and the same for y with b, d);
    --   sum d^2 = 4 * n_opposite + n_one_abstains = n - n_agree + 3 * n_opposite.
    select
        *,
        n_joint + n_yes_a - n_no_a as sum_x,
        n_joint + 3 * n_yes_a - n_no_a as sum_x2,
        n_joint + n_yes_b - n_no_b as sum_y,
        n_joint + 3 * n_yes_b - n_no_b as sum_y2,
        n_joint - n_agree + 3 * n_opposite as sum_d2

    from counts

),

final as (

    -- Absolute distance (yes = 1, abstain = 0.5, no = 0), with the same letters:
    --   twice the summed distance  2 * sum|d| = 2 * n_opposite + n_one_abstains
    --                                         = n - n_agree + n_opposite
    --   2 * n^2 * D_e(Cohen) = 2 (a d + c b) + (a + c)(n - b - d) + (n - a - c)(b + d)
    --   4 * n^2 * D_e(Scott) = 2 (a + b)(c + d) + (a + b + c + d)(2n - a - b - c - d)
    -- Squared distance (Hage 2011; the sums above):
    --   n^2 * D_e(Cohen)  = n (sum x^2 + sum y^2) - 2 sum x sum y,   n^2 * D_o = n sum d^2
    --   2 n^2 * D_e(Scott) = 2n (sum x^2 + sum y^2) - (sum x + sum y)^2
    -- Every measure is one division of two exact integers: exact to the last bit.
    select
        {{ period }},
        {%- for column in extra_columns %}
        {{ column }},
        {%- endfor %}
        vote_set,
        ccode_a,
        ccode_b,
        n_joint,
        n_agree::float8 / nullif(n_joint, 0) as agree_exact,
        (n_joint + n_agree - n_opposite)::float8 / nullif(2 * n_joint, 0) as agree_voeten,
        (n_agree - n_opposite)::float8 / nullif(n_joint, 0) as s_score,
        (2 * n_joint - sum_d2)::float8 / nullif(2 * n_joint, 0) as s_score_squared,
        (n_joint * (sum_x2 + sum_y2) - 2 * sum_x * sum_y - n_joint * sum_d2)::float8
        / nullif(n_joint * (sum_x2 + sum_y2) - 2 * sum_x * sum_y, 0) as cohen_kappa,
        (
            2 * n_joint * (sum_x2 + sum_y2) - (sum_x + sum_y) * (sum_x + sum_y)
            - 2 * n_joint * sum_d2
        )::float8
        / nullif(2 * n_joint * (sum_x2 + sum_y2) - (sum_x + sum_y) * (sum_x + sum_y), 0)
            as scott_pi,
        (
            2 * (n_yes_a * n_no_b + n_no_a * n_yes_b)
            + (n_yes_a + n_no_a) * (n_joint - n_yes_b - n_no_b)
            + (n_joint - n_yes_a - n_no_a) * (n_yes_b + n_no_b)
            - n_joint * (n_joint - n_agree + n_opposite)
        )::float8
        / nullif(
            2 * (n_yes_a * n_no_b + n_no_a * n_yes_b)
            + (n_yes_a + n_no_a) * (n_joint - n_yes_b - n_no_b)
            + (n_joint - n_yes_a - n_no_a) * (n_yes_b + n_no_b),
            0
        ) as cohen_kappa_abs,
        (
            2 * (n_yes_a + n_yes_b) * (n_no_a + n_no_b)
            + (n_yes_a + n_yes_b + n_no_a + n_no_b)
            * (2 * n_joint - n_yes_a - n_yes_b - n_no_a - n_no_b)
            - 2 * n_joint * (n_joint - n_agree + n_opposite)
        )::float8
        / nullif(
            2 * (n_yes_a + n_yes_b) * (n_no_a + n_no_b)
            + (n_yes_a + n_yes_b + n_no_a + n_no_b)
            * (2 * n_joint - n_yes_a - n_yes_b - n_no_a - n_no_b),
            0
        ) as scott_pi_abs,
        n_joint_important,
        n_agree_important::float8 / nullif(n_joint_important, 0) as agree_exact_important,
        n_agree,
        n_opposite,
        n_joint - n_agree - n_opposite as n_one_abstains,
        n_agree_important,
        n_yes_a,
        n_joint - n_yes_a - n_no_a as n_abstain_a,
        n_no_a,
        n_yes_b,
        n_joint - n_yes_b - n_no_b as n_abstain_b,
        n_no_b

    from sums

)

select * from final
{%- endmacro %}
