"""Content hashes: input files, notebooks, the package's own source (the code version).

Every cache key in the build is a SHA-256 over canonical JSON of these hashes, so a key
changes exactly when something that can change an output changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cpanalytics import about

#: Package files that count as code (a change to any of them invalidates every cache entry).
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".lua", ".typ", ".css", ".html", ".md", ".scss")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_hashes(root: Path, suffixes: tuple[str, ...] | None = None) -> dict[str, str]:
    """``relative path -> sha256`` for every non-hidden file under ``root`` (sorted)."""
    if not root.exists():
        return {}
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(root).parts)
        and (suffixes is None or p.suffix in suffixes)
    )
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in files}


def digest(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (sorted keys, ``str`` for other types)."""
    text = json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


#: Package parts a notebook never imports: editing them does not rerun notebooks.
NOT_ANALYSIS = ("render/", "pipeline/", "cli/", "synth/", "resources/reports/", "__main__.py")


def code_version(*, analysis_only: bool = False) -> str:
    """Hash of the ``cpanalytics`` package source: the code part of every cache key.

    ``analysis_only`` leaves out the parts notebooks never import (``NOT_ANALYSIS``).
    """
    root = Path(about.__file__).parent
    files = tree_hashes(root, CODE_SUFFIXES)
    if analysis_only:
        files = {k: v for k, v in files.items() if not k.startswith(NOT_ANALYSIS)}
    return digest([about.__version__, files])
