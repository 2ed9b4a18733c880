"""Build cache under ``<out>/.cache/<year>/``, in the spirit of Quarto's ``freeze``.

Each entry is a folder ``<kind>/<name>/<key>/`` holding copies of the files a stage made
and a ``meta.json`` that lists every file with its SHA-256. The key is a content hash of
everything that can change the stage's output (see ``fingerprint``). A read checks every
file against its hash: a damaged entry is deleted and rebuilt, with a one-line notice,
never used. Entries are written to a temporary folder and renamed into place, so a killed
build never leaves half an entry. A held cache (``hold=True``) keeps new entries pending
until :meth:`Cache.commit` (after the privacy audit); :meth:`Cache.discard` drops them,
so nothing enters the cache before it has passed the audit.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpanalytics.pipeline.fingerprint import file_sha256

META = "meta.json"


def _file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` but ``meta.json``, by relative POSIX path."""
    return {p.relative_to(folder).as_posix(): file_sha256(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p != folder / META}


def _read_meta(entry: Path) -> dict[str, Any] | None:
    """The entry's meta.json as a dict, or ``None`` when missing or not a JSON object."""
    try:
        meta = json.loads((entry / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


@dataclass
class Cache:
    """The cache for one output folder and year; ``read=False`` (``--no-cache``) never hits."""

    root: Path
    read: bool = True
    hold: bool = False
    notice: Callable[[str], None] = print
    pending: list[tuple[Path, Path]] = field(default_factory=list)
    #: Entries already verified by this build (an entry is hashed once, not at each read).
    intact: dict[Path, dict[str, Any]] = field(default_factory=dict)

    def entry(self, kind: str, name: str, key: str) -> Path:
        """Where the entry for ``key`` lives (whether or not it exists)."""
        return self.root / kind / name / key[:32]

    def get(self, kind: str, name: str, key: str) -> Path | None:
        """The entry folder on a hit whose files all match their hashes, else ``None``."""
        path = self.entry(kind, name, key)
        return path if self.read and self._verified(path, kind, name, key) is not None else None

    def meta(self, kind: str, name: str, key: str) -> dict[str, Any]:
        """The ``meta.json`` of a verified hit (empty dict on a miss)."""
        path = self.entry(kind, name, key)
        return (self._verified(path, kind, name, key) or {}) if self.read else {}

    def _verified(self, path: Path, kind: str, name: str, key: str) -> dict[str, Any] | None:
        """The meta of an intact entry; a damaged one is deleted with a notice."""
        if path in self.intact:
            return self.intact[path]
        if not path.is_dir():
            return None
        meta = _read_meta(path)
        if meta is not None and meta.get("key") == key and meta.get("files") == _file_hashes(path):
            self.intact[path] = meta
            return meta
        shutil.rmtree(path, ignore_errors=True)
        self.notice(f"cache: the stored {kind} entry for {name} was damaged; rebuilding it")
        return None

    def last_seconds(self, kind: str, name: str) -> float:
        """How long the stored entry for ``name`` took (any key), 0 when none: for scheduling."""
        for entry in sorted((self.root / kind / name).glob("*")):
            meta = _read_meta(entry)
            if meta is not None and isinstance(meta.get("seconds"), int | float):
                return float(meta["seconds"])
        return 0.0

    def put(
        self, kind: str, name: str, key: str, fill: Callable[[Path], None], meta: dict[str, Any],
    ) -> None:
        """Store an entry: ``fill(folder)`` copies the files in, each hashed into meta.json.

        Stored even under ``--no-cache``, so the next ordinary build can reuse it. A held
        cache keeps the entry pending until :meth:`commit`.
        """
        parent = self.root / kind / name
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=parent))
        try:
            fill(tmp)
            record = {"key": key, **meta, "files": _file_hashes(tmp)}
            (tmp / META).write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.pending.append((tmp, self.entry(kind, name, key)))
        if not self.hold:
            self.commit()

    def commit(self, admit: Callable[[Path], bool] = lambda entry: True) -> None:
        """Move each pending entry that ``admit`` accepts into place, replacing the older
        keys of its name; drop the rest."""
        for tmp, final in self.pending:
            if not admit(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
                continue
            for old in final.parent.iterdir():
                if old != tmp:
                    shutil.rmtree(old, ignore_errors=True)
            tmp.rename(final)
        self.pending.clear()
        self.intact.clear()

    def discard(self) -> None:
        """Drop every pending entry (a build that failed, e.g. its privacy audit)."""
        for tmp, _ in self.pending:
            shutil.rmtree(tmp, ignore_errors=True)
        self.pending.clear()


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
