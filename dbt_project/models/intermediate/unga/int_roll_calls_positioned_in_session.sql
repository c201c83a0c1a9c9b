-- One row per roll call and vote set with its position among the set's roll calls of its
-- session (rcid order) and a one-hot bit string of that length with that position set.

{{ position_roll_calls('session') }}
