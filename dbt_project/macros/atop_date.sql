{#- A date from ATOP's year, month and day columns. ATOP writes 0 for "unknown": a year of 0 is
    no date (null: still in effect at the end of the data); a missing month or day reads as the
    first (bound='start') or the last (bound='end') of the year or month, and a day past the
    month's end as the month's last day. -#}
{% macro atop_date(year_column, month_column, day_column, bound='start') -%}
    {%- set first_month, first_day = (1, 1) if bound == 'start' else (12, 31) -%}
    case when nullif({{ year_column }}, 0) is not null then
        least(
            make_date({{ year_column }}, coalesce(nullif({{ month_column }}, 0), {{ first_month }}), 1)
            + (coalesce(nullif({{ day_column }}, 0), {{ first_day }}) - 1),
            (
                make_date({{ year_column }}, coalesce(nullif({{ month_column }}, 0), {{ first_month }}), 1)
                + interval '1 month - 1 day'
            )::date
        )
    end
{%- endmacro %}
