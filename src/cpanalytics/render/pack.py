"""Render the Corporate Parenting Panel's performance pack for one month (issue 17).

The pack is staged like the annual reports (:func:`cpanalytics.render.stage.stage_project`)
with :func:`document`. Its cover report has a paragraph for each Amber and Red KPI, and after
each the officer's explanation: ``narrative/pack/<YYYY-MM>/<ID>.md`` of the project or data
root, checked and sanitised as the annual reports' narrative is. Which KPIs are Amber or Red
is known only once the ``pack`` notebook has run: its one paragraphs cell holds a display
output per KPI. So staging splits that cell of the staged notebook into a cell per KPI
(:func:`split_paragraphs`) and writes ``_paragraphs.md`` (which ``pack.qmd`` includes): each
paragraph's embed, then its explanation, or a visible placeholder box and a build warning
when the officer has not written one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from cpanalytics.errors import UserError
from cpanalytics.render.stage import NOT_SUPPLIED, PACK, Document, shown_folder
from cpanalytics.render.subset import cell_options
from cpanalytics.runtime.sections.pack import NAME, PARAGRAPH_KEY, PARAGRAPHS

#: The staged file ``pack.qmd`` includes: the Amber and Red paragraphs with their explanations.
PARAGRAPHS_FILE = "_paragraphs.md"


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


def paragraph_label(indicator_id: str) -> str:
    """The label of one KPI's paragraph in the staged notebook: ``txt-pack-paragraph-he-02``."""
    return f"txt-pack-paragraph-{indicator_id.lower()}"


def split_paragraphs(notebook: Path) -> list[str]:
    """Split the paragraphs cell (:data:`~cpanalytics.runtime.sections.pack.PARAGRAPHS`) of
    the staged ``pack`` notebook into a cell per KPI, each holding that KPI's output and
    labelled :func:`paragraph_label`; returns the KPIs in print order. ``UserError`` E710
    when the notebook or the cell is missing (a notebook of another version)."""
    if not notebook.is_file():
        raise UserError(f"the executed {NAME} notebook is missing: {notebook}", file=notebook,
                        fix="build the pack again (cpanalytics pack)", code="E710")
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    at = next((i for i, c in enumerate(cells)
               if c.get("cell_type") == "code" and cell_options(c).get("label") == PARAGRAPHS), None)
    if at is None:
        raise UserError(f"the {NAME} notebook has no cell labelled {PARAGRAPHS}", file=notebook,
                        fix="build the pack again with this version (cpanalytics pack)", code="E710")
    cell = cells[at]
    outputs = [o for o in cell.get("outputs", []) if PARAGRAPH_KEY in o.get("metadata", {})]
    ids = [str(o["metadata"][PARAGRAPH_KEY]) for o in outputs]
    cells[at:at + 1] = [
        {**cell, "id": f"{cell.get('id', PARAGRAPHS)}-{n}", "outputs": [output],
         "source": f"#| label: {paragraph_label(ind_id)}\n#| echo: false\n"}
        for n, (ind_id, output) in enumerate(zip(ids, outputs, strict=True))]
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return ids


def stage_explanations(source: Path, notebooks_dir: Path, narrative: Path) -> list[str]:
    """Split the staged notebook's paragraphs by KPI (:func:`split_paragraphs`) and write
    ``source/_paragraphs.md``: each Amber and Red KPI's paragraph, then its explanation
    (``narrative/<ID>.md``, staged and sanitised with the rest of the narrative), or a
    placeholder box; returns a warning for each explanation missing."""
    warnings, blocks = [], []
    for ind_id in split_paragraphs(source / "notebooks" / f"{NAME}.ipynb"):
        name = f"{ind_id}.md"
        staged = source / "narrative" / name
        if not staged.is_file():
            staged.write_text(placeholder(name, shown_folder(narrative)), encoding="utf-8")
            warnings.append(f"explanation not supplied: {name} (expected in {narrative}); the "
                            "pack shows a placeholder box after its paragraph")
        elif NOT_SUPPLIED in (narrative / name).read_text(encoding="utf-8"):
            warnings.append(f"explanation not written yet: {narrative / name} still holds the "
                            "placeholder box; the pack shows it")
        blocks.append(f"{{{{< embed notebooks/{NAME}.ipynb#{paragraph_label(ind_id)} >}}}}\n\n"
                      f"{{{{< include narrative/{name} >}}}}\n")
    text = "\n".join(blocks) if blocks else "No KPI is rated Amber or Red this month.\n"
    (source / PARAGRAPHS_FILE).write_text(text, encoding="utf-8")
    return warnings
