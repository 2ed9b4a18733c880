"""Render the two annual reports (HTML, PDF and Word) from a year's executed notebooks.

:func:`render_reports` stages ``out/<year>/source/`` (a Quarto project) and renders it
with real Quarto or the built-in pandoc + Typst engine (see docs/rendering.md).
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cpanalytics.about import DEFAULT_LA_NAME
from cpanalytics.errors import UserError
from cpanalytics.render import builtin, quarto
from cpanalytics.render.stage import (
    Document,
    annual,
    appendix_markdown,
    default_narrative_dir,
    stage_project,
)

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["ENGINES", "RenderResult", "RenderWarning", "render_reports"]

ENGINES = ("auto", "quarto", "builtin")
FORMATS = ("html", "pdf", "docx")


class RenderWarning(UserWarning):
    """A problem that does not stop rendering (e.g. a missing narrative file)."""


@dataclass
class RenderResult:
    """What was rendered: output files by (report stem, format), the engine and warnings."""

    outputs: dict[tuple[str, str], Path]
    engine: str
    source: Path
    warnings: list[str] = field(default_factory=list)


def _choose_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise UserError(
            f"unknown engine '{engine}'", fix="use --engine auto, quarto or builtin", code="E712"
        )
    if engine == "auto":
        return "quarto" if quarto.quarto_path() else "builtin"
    return engine


def _manifest(year_dir: Path) -> dict | None:
    path = year_dir / "manifest.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(
            f"manifest is not valid JSON: {exc}", file=path,
            fix="run cpanalytics build again", code="E710",
        ) from exc


def render_reports(
    year: int,
    out_dir: str | Path = "out",
    *,
    engine: str = "auto",
    narrative_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    la_name: str | None = None,
    appendix: str | None = None,
    project: str | Path | None = None,
    formats: Sequence[str] = FORMATS,
    today: date | None = None,
    console: Console | None = None,
    document: Document | None = None,
) -> RenderResult:
    """Stage ``out_dir/<year>/source`` and render both reports to ``out_dir/<year>/``.

    Defaults: notebooks from ``out_dir/<year>/notebooks``, narrative from
    :func:`~cpanalytics.render.stage.default_narrative_dir`, LA name and appendix from
    ``out_dir/<year>/manifest.json``. ``project``: the council's project folder, whose
    ``narrative/`` and ``reports/`` copies are used where it has them. ``document`` (default
    :func:`~cpanalytics.render.stage.annual` of ``year``) says what is rendered, into
    ``out_dir/<document.folder>/`` (the pack: :func:`cpanalytics.render.pack.document`).
    """
    from rich.console import Console

    console = console or Console(stderr=True)
    chosen = _choose_engine(engine)
    if chosen == "quarto":
        quarto.require_quarto()
    out_dir = Path(out_dir).resolve()  # the engines run in a folder of their own
    document = document or annual(year)
    year_dir = out_dir / document.folder
    manifest = _manifest(year_dir)
    messages: list[str] = []
    if la_name is None:
        la_name = (manifest or {}).get("la_name")
    if not la_name:
        la_name = DEFAULT_LA_NAME
        messages.append(f"LA name not given and not in manifest.json: using {la_name!r}")
    staged = stage_project(
        year,
        out_dir,
        notebooks_dir=Path(notebooks_dir) if notebooks_dir else year_dir / "notebooks",
        narrative_dir=Path(narrative_dir) if narrative_dir else default_narrative_dir(
            year, (manifest or {}).get("parameters", {}).get("data_dir"),
            Path(project) if project else None),
        la_name=la_name,
        appendix=appendix if appendix is not None else appendix_markdown(manifest),
        today=today or date.today(),
        project=Path(project) if project else None,
        document=document,
    )
    messages += staged.warnings
    for message in messages:
        warnings.warn(message, RenderWarning, stacklevel=2)
        console.print(f"[yellow]warning:[/yellow] {message}")
    render = quarto.render_document if chosen == "quarto" else builtin.render_document
    outputs: dict[tuple[str, str], Path] = {}
    for stem, name in document.reports.items():
        for fmt in formats:
            target = year_dir / f"{name}-{document.folder}.{fmt}"
            start = time.perf_counter()
            outputs[(name, fmt)] = render(staged.path, stem, fmt, target)
            console.print(
                f"[green]rendered[/green] {target.name} ({chosen}, {time.perf_counter() - start:.1f} s)"
            )
    return RenderResult(outputs, chosen, staged.path, messages)
