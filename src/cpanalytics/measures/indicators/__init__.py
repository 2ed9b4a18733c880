"""Every measure in ``docs/indicators.md``, as at any date, by any breakdown.

``compute(id, data, as_at, by=None)`` gives one row per group (``numerator``,
``denominator``, ``value`` plus indicator-specific columns); ``series`` does the same for
each period end. ``REGISTRY`` describes every indicator (id, title, polarity, period,
definition, sources, needed local extracts).
"""

from cpanalytics.measures.indicators import (  # noqa: F401  (importing a family registers it)
    adoption,
    care_leavers,
    children_in_care,
    health,
    iro,
    stability,
    uasc,
)
from cpanalytics.measures.indicators.engine import (
    compute,
    compute_at,
    period_ends,
    series,
    window_start,
)
from cpanalytics.measures.indicators.registry import REGISTRY, Indicator, catalogue

__all__ = [
    "REGISTRY", "Indicator", "catalogue", "compute", "compute_at", "period_ends", "series",
    "window_start",
]
