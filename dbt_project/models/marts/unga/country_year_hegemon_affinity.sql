-- Each country-year's affinity, per vote set, with every hegemon of the dbt var hegemon_ccodes
-- and with that hegemon's first rival (dbt var hegemon_rivals), and its rank that year among
-- all countries by affinity with the hegemon (macro country_period_hegemon_affinity; the
-- measures of fct_dyad_year_affinity, by the same macros, from the packed votes).

{{ country_period_hegemon_affinity('year', ref('int_country_year_votes_packed')) }}
