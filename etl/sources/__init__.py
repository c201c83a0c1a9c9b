"""One module per source system; each exposes parse_*() (pure) and load_*()."""
