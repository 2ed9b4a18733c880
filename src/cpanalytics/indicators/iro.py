"""Indicator family iro (being written)."""
