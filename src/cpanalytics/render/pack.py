"""Render the Corporate Parenting Panel's performance pack for one month (issue 17).

The pack is staged like the annual reports (:func:`cpanalytics.render.stage.stage_project`)
with :func:`document`. Its cover report has a paragraph for each Amber and Red KPI, and after
each the officer's explanation: ``narrative/pack/<YYYY-MM>/<ID>.md`` of the project or data
root, checked and sanitised as the annual reports' narrative is. Which KPIs are Amber or Red
is known only once the ``pack`` notebook has run, so staging writes ``_paragraphs.md`` (which
``pack.qmd`` includes): each paragraph's embed, then its explanation, or a visible
placeholder box and a build warning when the officer has not written one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from cpanalytics.errors import UserError
from cpanalytics.render.stage import NOT_SUPPLIED, PACK, Document, shown_folder
from cpanalytics.runtime.sections.pack import NAME, kpi_label

#: The staged file ``pack.qmd`` includes: the Amber and Red paragraphs with their explanations.
PARAGRAPHS = "_paragraphs.md"


def month_folder(as_at: date) -> str:
    """The pack's folder name: ``2018-08`` (its outputs, narrative and cache)."""
    return f"{pd.Timestamp(as_at):%Y-%m}"


def narrative_dir(as_at: date, data_dir: str | Path | None, project: Path | None) -> Path:
    """The month's explanations: ``<project>/narrative/pack/<YYYY-MM>/``, else the data
    root's, the first that exists; else where the project's (or data root's) would be."""
    found = [Path(r) / "narrative" / "pack" / month_folder(as_at)
             for r in (project, data_dir) if r is not None]
    return next((f for f in found if f.is_dir()), found[0] if found else Path("narrative"))


def document(as_at: date, previous: date) -> Document:
    """The performance pack for the month of ``as_at``, compared with the pack for ``previous``."""
    as_at, previous = pd.Timestamp(as_at), pd.Timestamp(previous)
    month = f"{as_at:%B %Y}"
    variables = {"month": month, "previous_month": f"{previous:%B %Y}",
                 "as_at": f"{as_at.day} {as_at:%B %Y}", "year": as_at.year}
    return Document(PACK, month_folder(as_at), variables, f"performance report for {month}",
                    finish=stage_explanations)


def placeholder(name: str, folder: str) -> str:
    """The visible box standing in for an officer's explanation not yet written."""
    return (
        f'::: {{.callout-warning title="{NOT_SUPPLIED}{name}"}}\n'
        f"An officer explains this indicator's performance here. Add `{name}` to the pack's "
        f"narrative folder (`{folder}`) and build the pack again.\n:::\n"
    )


def flagged(notebooks_dir: Path) -> list[str]:
    """The KPIs with a cover-report paragraph, in their order (the ``pack`` notebook's
    headline records, ``paragraph``: 1, 2, ...)."""
    path = notebooks_dir / f"{NAME}.json"
    if not path.is_file():
        raise UserError(f"the {NAME} notebook's headline figures are missing: {path}", file=path,
                        fix="build the pack again (cpanalytics pack)", code="E710")
    records = json.loads(path.read_text(encoding="utf-8"))["kpis"]
    ordered = sorted((r for r in records if r.get("paragraph")), key=lambda r: r["paragraph"])
    return [str(r["id"]) for r in ordered]


def stage_explanations(source: Path, notebooks_dir: Path, narrative: Path) -> list[str]:
    """Write ``source/_paragraphs.md``: each Amber and Red KPI's paragraph, then its
    explanation (``narrative/<ID>.md``, staged and sanitised with the rest of the narrative),
    or a placeholder box; returns a warning for each explanation missing."""
    warnings, blocks = [], []
    for ind_id in flagged(notebooks_dir):
        name = f"{ind_id}.md"
        staged = source / "narrative" / name
        if not staged.is_file():
            staged.write_text(placeholder(name, shown_folder(narrative)), encoding="utf-8")
            warnings.append(f"explanation not supplied: {name} (expected in {narrative}); the "
                            "pack shows a placeholder box after its paragraph")
        elif NOT_SUPPLIED in (narrative / name).read_text(encoding="utf-8"):
            warnings.append(f"explanation not written yet: {narrative / name} still holds the "
                            "placeholder box; the pack shows it")
        blocks.append(f"{{{{< embed notebooks/{NAME}.ipynb#{kpi_label(ind_id)} >}}}}\n\n"
                      f"{{{{< include narrative/{name} >}}}}\n")
    text = "\n".join(blocks) if blocks else "No KPI is rated Amber or Red this month.\n"
    (source / PARAGRAPHS).write_text(text, encoding="utf-8")
    return warnings
