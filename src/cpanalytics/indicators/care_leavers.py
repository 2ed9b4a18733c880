"""Indicator family care_leavers (being written)."""
