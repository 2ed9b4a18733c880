"""The one place the build calls the report renderer (``cpanalytics.render.render_reports``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpanalytics.pipeline.fingerprint import file_sha256, tree_hashes
from cpanalytics.render.stage import sources_root


def render_sources_hash(narrative_dir: Path) -> dict[str, Any]:
    """Hashes of everything the renderer reads besides the notebooks: report sources, narrative."""
    repo = sources_root()
    quarto = repo / "_quarto.yml"
    return {
        "reports": tree_hashes(repo / "reports"),
        "narrative": tree_hashes(narrative_dir),
        "_quarto.yml": file_sha256(quarto) if quarto.exists() else None,
    }


def renderer_available() -> bool:
    """True once ``cpanalytics.render.render_reports`` exists."""
    try:
        from cpanalytics.render import render_reports  # noqa: F401
    except ImportError:
        return False
    return True


def render(year_dir: Path, *, year: int, la_name: str, engine: str, narrative_dir: Path) -> list[str]:
    """Render both reports (HTML and PDF) into ``year_dir``; returns the renderer's warnings.

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
            narrative_dir=narrative_dir, la_name=la_name, engine=engine,
        )
    return list(result.warnings)
