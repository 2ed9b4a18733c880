"""A loaded data set handed from the build to its notebooks, so the data are read once.

The build loads and validates the data, computes the shared derived tables, and pickles
the result into its private staging folder; each notebook's kernel finds it through the
``CPANALYTICS_SNAPSHOT`` environment variable. A kernel that runs several notebooks
reads it once and hands every notebook the same object, so the tables it caches are
computed once per kernel. The snapshot holds child-level data: it lives only inside the
build's staging folder and is deleted with it.
"""

from __future__ import annotations

import os
import pickle
from functools import lru_cache
from pathlib import Path

from cpanalytics.data.model import CareData
from cpanalytics.measures.derive import derived

ENV = "CPANALYTICS_SNAPSHOT"


def save(data: CareData, path: Path) -> None:
    """Pickle ``data`` with its derived tables computed, readable by the owner only."""
    derived(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(data_dir: str | Path) -> CareData | None:
    """The build's snapshot of ``data_dir``, or ``None`` when there is none for that folder."""
    path = os.environ.get(ENV)
    if not path or not Path(path).is_file():
        return None
    stat = Path(path).stat()
    data = _read(path, stat.st_mtime_ns, stat.st_size)
    same = data.root is not None and Path(data.root).resolve() == Path(data_dir).resolve()
    return data if same else None


@lru_cache(maxsize=1)
def _read(path: str, mtime_ns: int, size: int) -> CareData:
    """The unpickled snapshot, read once per file version (the stamp is part of the key)."""
    with open(path, "rb") as handle:
        data: CareData = pickle.load(handle)
    return data
