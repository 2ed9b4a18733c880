"""Content hashes: input files, notebooks, the package's own source (the code version).

Every cache key in the build is a SHA-256 over canonical JSON of these hashes, so a key
changes exactly when something that can change an output changes.
"""

from __future__ import annotations

from pathlib import Path

from cpanalytics import about
from cpanalytics.data.store import digest, file_sha256

__all__ = ["CODE_SUFFIXES", "NOT_ANALYSIS", "code_version", "digest", "file_sha256", "tree_hashes"]

#: Package files that count as code (a change to any of them invalidates every cache entry).
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".lua", ".typ", ".css", ".html", ".md", ".scss")


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
