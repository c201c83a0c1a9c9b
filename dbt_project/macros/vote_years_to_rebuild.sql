{#- The periods (calendar years, or sessions) an incremental vote model must rebuild: every
    period on a first or full build; afterwards, the periods whose input fingerprint differs from
    the last successful build (int_vote_years_built, int_vote_sessions_built), including periods
    that appeared. `period` is 'year' or 'session'. -#}
{% macro vote_periods_to_rebuild(period) -%}
    {%- set fingerprinted = ref('int_vote_' ~ period ~ 's_fingerprinted') -%}
    {%- set built = adapter.get_relation(
        database=target.database, schema='intermediate',
        identifier='int_vote_' ~ period ~ 's_built') -%}
    {%- if built is none or flags.FULL_REFRESH -%}
        (select {{ period }} from {{ fingerprinted }})
    {%- else -%}
        (
            select current_periods.{{ period }}
            from {{ fingerprinted }} as current_periods
            left join {{ built }} as built_periods
                on current_periods.{{ period }} = built_periods.{{ period }}
            where built_periods.fingerprint is distinct from current_periods.fingerprint
        )
    {%- endif -%}
{%- endmacro %}


{#- The calendar years an incremental vote model must rebuild (see vote_periods_to_rebuild). -#}
{% macro vote_years_to_rebuild() -%}
    {{ vote_periods_to_rebuild('year') }}
{%- endmacro %}


{#- pre-hook of the incremental vote models: remove the periods no longer in any source (a
    delete+insert only replaces the periods it inserts). -#}
{% macro delete_vanished_vote_periods(period) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ period }} not in (
            select {{ period }} from {{ ref('int_vote_' ~ period ~ 's_fingerprinted') }}
        )
    {%- endif -%}
{%- endmacro %}


{% macro delete_vanished_vote_years() -%}
    {{ delete_vanished_vote_periods('year') }}
{%- endmacro %}


{#- One row per period (calendar year or session) of UNGA votes with a fingerprint of everything
    the vote marts read for it: both releases' votes, and every attribute of the roll calls that
    places them in a period or a vote set (date, session, importance, amendment and paragraph
    flags, issue codes, releases). Order-independent: a sum of 64-bit row hashes, plus the row
    count. -#}
{% macro vote_period_fingerprints(period) -%}
with

voeten as (

    select rcid, ccode::text || ':' || vote as row_text
    from {{ ref('stg_unga__voeten_votes') }}

),

unvotes as (

    select rcid, country_code || ':' || country_name || ':' || vote as row_text
    from {{ ref('stg_unga__unvotes_votes') }}

),

roll_calls as (

    select
        rcid,
        {% if period == 'year' -%}
        extract(year from vote_date)::integer as year,
        {%- else -%}
        session,
        {%- endif %}
        concat_ws(':', vote_date, session, is_important, is_amendment, is_paragraph,
            is_issue_me, is_issue_nu, is_issue_di, is_issue_hr, is_issue_co, is_issue_ec,
            in_releases) as row_text

    from {{ ref('int_roll_calls_reconciled') }}

),

rows_by_period as (

    select roll_calls.{{ period }}, 'v:' || voeten.row_text as row_text
    from voeten
    inner join roll_calls on voeten.rcid = roll_calls.rcid

    union all

    select roll_calls.{{ period }}, 'u:' || unvotes.row_text
    from unvotes
    inner join roll_calls on unvotes.rcid = roll_calls.rcid

    union all

    select {{ period }}, 'r:' || rcid::text || ':' || row_text
    from roll_calls

),

fingerprinted as (

    select
        {{ period }},
        count(*)::bigint as n_rows,
        count(*)::text || ':' || sum(hashtextextended(row_text, 0)::numeric)::text as fingerprint

    from rows_by_period

    group by {{ period }}

)

select * from fingerprinted
{%- endmacro %}
