"""Build cache under ``<out>/.cache/<year>/``, in the spirit of Quarto's ``freeze``.

Each entry is a folder ``<kind>/<name>/<key>/`` holding copies of the files a stage made
and a ``meta.json``. The key is a content hash of everything that can change the
stage's output (see ``fingerprint``), so a hit can be reused as is. Entries are written
to a temporary folder and renamed into place, so a killed build never leaves half an
entry. Storing a new entry for a name deletes the older ones for that name.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Cache:
    """The cache for one output folder and year; ``read=False`` (``--no-cache``) never hits."""

    root: Path
    read: bool = True

    def entry(self, kind: str, name: str, key: str) -> Path:
        """Where the entry for ``key`` lives (whether or not it exists)."""
        return self.root / kind / name / key[:32]

    def get(self, kind: str, name: str, key: str) -> Path | None:
        """The entry folder on a hit, else ``None``."""
        path = self.entry(kind, name, key)
        return path if self.read and (path / "meta.json").is_file() else None

    def meta(self, kind: str, name: str, key: str) -> dict[str, Any]:
        """The ``meta.json`` of a hit (empty dict on a miss)."""
        path = self.get(kind, name, key)
        return json.loads((path / "meta.json").read_text()) if path else {}

    def last_seconds(self, kind: str, name: str) -> float:
        """How long the stored entry for ``name`` took (any key), 0 when none: for scheduling."""
        for meta in (self.root / kind / name).glob("*/meta.json"):
            return float(json.loads(meta.read_text()).get("seconds", 0.0))
        return 0.0

    def put(
        self, kind: str, name: str, key: str, fill: Callable[[Path], None], meta: dict[str, Any],
    ) -> None:
        """Store an entry: ``fill(folder)`` copies the files in; older keys for ``name`` go.

        Stored even under ``--no-cache``, so the next ordinary build can reuse it.
        """
        parent = self.root / kind / name
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=parent))
        try:
            fill(tmp)
            (tmp / "meta.json").write_text(json.dumps({"key": key, **meta}, indent=1, default=str))
            for old in parent.iterdir():
                if old != tmp:
                    shutil.rmtree(old, ignore_errors=True)
            tmp.rename(self.entry(kind, name, key))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def copy_into(files: dict[str, Path]) -> Callable[[Path], None]:
    """A ``fill`` for :meth:`Cache.put`: copy each file or folder to ``<entry>/<relative name>``."""

    def fill(folder: Path) -> None:
        for rel, src in files.items():
            dest = folder / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest)
            elif src.exists():
                shutil.copy2(src, dest)

    return fill


def restore(entry: Path, files: dict[str, Path]) -> None:
    """Copy ``<entry>/<relative name>`` back to each destination (missing ones are skipped)."""
    for rel, dest in files.items():
        src = entry / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dest)
