"""Indicator family uasc (being written)."""
