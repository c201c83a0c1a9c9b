-- Each country-session's affinity, per vote set, with every hegemon of the dbt var
-- hegemon_ccodes and with that hegemon's first rival (dbt var hegemon_rivals), and its rank that
-- session among all countries by affinity with the hegemon: the session twin of
-- country_year_hegemon_affinity (macro country_period_hegemon_affinity).

{{ country_period_hegemon_affinity(
    'session', ref('int_country_session_votes_packed'),
    extra_columns=['(1945 + country_periods.session)::integer as session_year']) }}
