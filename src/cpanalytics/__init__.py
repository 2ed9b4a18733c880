"""cpanalytics: Corporate Parenting and IRO annual reports from SSDA903 data.

The stable public API: :func:`load_data`, and :func:`compute`, :func:`compute_at`,
:func:`series` (also in :mod:`cpanalytics.indicators`) and :mod:`cohorts`. They are loaded
on first use (PEP 562), so ``import cpanalytics.cli`` does not pay for pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cpanalytics.about import DEFAULT_LA_NAME, __version__

if TYPE_CHECKING:
    from cpanalytics.data.loading import load_data
    from cpanalytics.measures import cohorts
    from cpanalytics.measures.indicators import compute, compute_at, series

#: Public name -> (module, attribute); attribute None means the module itself.
_PUBLIC = {
    "load_data": ("cpanalytics.data.loading", "load_data"),
    "compute": ("cpanalytics.measures.indicators", "compute"),
    "compute_at": ("cpanalytics.measures.indicators", "compute_at"),
    "series": ("cpanalytics.measures.indicators", "series"),
    "cohorts": ("cpanalytics.measures.cohorts", None),
}

__all__ = [
    "DEFAULT_LA_NAME", "__version__", "cohorts", "compute", "compute_at", "load_data", "series",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'cpanalytics' has no attribute {name!r}")
    module_name, attribute = _PUBLIC[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)
