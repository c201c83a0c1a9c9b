{#- Measures of a hegemon-partner dyad shared by mart_hegemon_partners and
    mart_legitimacy_exchange, so that both define them the same way. -#}

{#- Who is obliged to defend whom: mutual, hegemon_only, partner_only or none. -#}
{% macro defense_commitment(hegemon_to_partner, partner_to_hegemon) -%}
    case
        when {{ hegemon_to_partner }} = 1 and {{ partner_to_hegemon }} = 1 then 'mutual'
        when {{ hegemon_to_partner }} = 1 then 'hegemon_only'
        when {{ partner_to_hegemon }} = 1 then 'partner_only'
        else 'none'
    end
{%- endmacro %}


{#- capability_ratio = CINC(hegemon) / CINC(partner) and the partner's share of the dyad's CINC;
    null (not 0) when a CINC is missing or zero. -#}
{% macro capability_ratio_columns(hegemon_cinc, partner_cinc) -%}
    {{ hegemon_cinc }} / nullif({{ partner_cinc }}, 0) as capability_ratio,
    {{ partner_cinc }} / nullif({{ hegemon_cinc }} + {{ partner_cinc }}, 0)
        as partner_share_of_dyad_cinc
{%- endmacro %}
