"""The stable public API for indicators: ``compute``, ``compute_at``, ``series`` and ``REGISTRY``.

Re-exported from :mod:`cpanalytics.measures.indicators`, where every measure of
``docs/indicators.md`` is defined; users' notebooks import from here.
"""

from cpanalytics.measures.indicators import (
    REGISTRY,
    Indicator,
    catalogue,
    compute,
    compute_at,
    period_ends,
    series,
    window_start,
)

__all__ = [
    "REGISTRY", "Indicator", "catalogue", "compute", "compute_at", "period_ends", "series",
    "window_start",
]
