"""Indicator family health (being written)."""
