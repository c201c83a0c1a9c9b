"""Prefect flows: orchestration only; every task wraps one call into ``etl``."""
