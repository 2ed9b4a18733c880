"""cpanalytics: Corporate Parenting and IRO annual reports from SSDA903 data.

The public entry point for analysts is :func:`load_data`; indicators live in
:mod:`cpanalytics.indicators`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The authority name shown when none is given (``--la-name``) or recorded in a manifest.
DEFAULT_LA_NAME = "Local authority"

if TYPE_CHECKING:
    from pathlib import Path

    from cpanalytics.model import CareData

__all__ = ["DEFAULT_LA_NAME", "__version__", "load_data"]


def load_data(path: str | Path, **kwargs: Any) -> CareData:
    """Load every collection year under ``path`` (see ``shared/spec/data-contract.md``).

    ``kwargs`` (``years``) go to :func:`cpanalytics.loading.load_data`."""
    from cpanalytics.loading import load_data as _load

    return _load(path, **kwargs)
