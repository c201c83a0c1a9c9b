{#
    The world region of a COW country code, from the COW code ranges (Correlates of War state
    list): 2-165 Americas, 200-399 Europe, 400-626 Africa, 630-698 Middle East, 700-990 Asia
    and Oceania, the last split into East Asia & Pacific (China 710 to Japan 740, Myanmar 775,
    South-East Asia and Oceania 800-990, as the World Bank's region) and South & Central Asia
    (Afghanistan and Central Asia 700-705, South Asia 750-790 but Myanmar). Documented in the
    doc block cow_regions (_hierarchy__docs.md).
#}
{% macro cow_region(ccode) -%}
    case
        when {{ ccode }} between 2 and 165 then 'Americas'
        when {{ ccode }} between 200 and 399 then 'Europe'
        when {{ ccode }} between 400 and 626 then 'Africa'
        when {{ ccode }} between 630 and 698 then 'Middle East'
        when {{ ccode }} between 710 and 749 or {{ ccode }} = 775
            or {{ ccode }} between 800 and 990 then 'East Asia & Pacific'
        when {{ ccode }} between 700 and 799 then 'South & Central Asia'
    end
{%- endmacro %}
