"""Indicator family adoption (being written)."""
