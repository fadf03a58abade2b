"""Filings with the superior body: 报备 (for the record) and 报批 (for consent)."""

__all__: list[str] = []
