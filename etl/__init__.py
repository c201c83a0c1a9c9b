"""Alliance Warehouse: ETL for UNGA votes, alliances, capabilities, coalitions and treaties."""

__version__ = "0.1.0"
