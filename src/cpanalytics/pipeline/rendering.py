"""The one place the build calls the report renderer (``cpanalytics.render.render_reports``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpanalytics.pipeline.fingerprint import file_sha256, tree_hashes
from cpanalytics.render import pack
from cpanalytics.render.stage import Document, annual, report_sources


def render_sources_hash(narrative_dir: Path, project: Path | None = None) -> dict[str, Any]:
    """Hashes of everything the renderer reads besides the notebooks: the report sources
    (the project's copies where it has them), narrative."""
    return {
        "reports": {name: file_sha256(path) for name, path in report_sources(project).items()},
        "narrative": tree_hashes(narrative_dir),
    }


def renderer_available() -> bool:
    """True once ``cpanalytics.render.render_reports`` exists."""
    try:
        from cpanalytics.render import render_reports  # noqa: F401
    except ImportError:
        return False
    return True


def document(kind: str, year: int, as_at: Any, previous: Any) -> Document:
    """What a build renders: the annual reports of ``year``, or the ``pack`` for ``as_at``."""
    return pack.document(as_at, previous) if kind == "pack" else annual(year)


def render(year_dir: Path, *, year: int, la_name: str, engine: str, narrative_dir: Path,
           project: Path | None = None, document: Document | None = None) -> list[str]:
    """Render the reports (HTML, PDF and DOCX) into ``year_dir``; returns the renderer's warnings.

    The renderer reads the appendix (files, warnings, software) from ``year_dir/manifest.json``.
    """
    import warnings

    from cpanalytics.render import RenderWarning, render_reports

    # The renderer prints each warning on the build's console; don't repeat it as a
    # Python warning with a source line.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RenderWarning)
        result = render_reports(
            year, year_dir.parent, notebooks_dir=year_dir / "notebooks",
            narrative_dir=narrative_dir, la_name=la_name, engine=engine, project=project,
            document=document,
        )
    return list(result.warnings)
