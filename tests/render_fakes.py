"""Fake executed notebooks for the render tests: one cell per embed label the sources use."""

from __future__ import annotations

import json
import re
from pathlib import Path

EMBED = re.compile(r"\{\{<\s*embed\s+notebooks/(?P<nb>[\w-]+)\.ipynb#(?P<label>[\w-]+)\s*>\}\}")

#: A small chart: two bars, as matplotlib would write it (SVG with a title).
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">'
    '<rect x="20" y="60" width="80" height="120" fill="#12436D"/>'
    '<rect x="140" y="100" width="80" height="80" fill="#28A197"/>'
    '<text x="20" y="30" font-size="16">Children in care rose this year</text></svg>'
)


def cell(label: str, outputs: list[dict], **options: str) -> dict:
    """A code cell with ``#|`` options and stored outputs."""
    opts = [f"#| label: {label}", "#| echo: false"]
    opts += [f"#| {k.replace('_', '-')}: {json.dumps(v)}" for k, v in options.items()]
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": outputs,
            "source": "\n".join([*opts, "show()"])}


def markdown(text: str) -> dict:
    """A display_data output carrying Markdown (as IPython.display.Markdown writes it)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"}}


def svg_output() -> dict:
    """A display_data output carrying an SVG chart."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/svg+xml": SVG, "text/plain": "<Figure size 640x480>"}}


def table(label: str, columns: int = 3, rows: int = 3) -> str:
    """A right-aligned markdown table with thousands separators."""
    head = "| Group | " + " | ".join(f"Measure {i}" for i in range(1, columns)) + " |"
    rule = "|:--|" + "--:|" * (columns - 1)
    body = [f"| {label} row {r} | " + " | ".join(f"{1000 * r + i:,}" for i in range(1, columns))
            + " |" for r in range(1, rows + 1)]
    return "\n".join([head, rule, *body])


def fake_cell(label: str) -> dict:
    """A plausible cell for a report label: chart, table or headline text."""
    if label.startswith("fig-"):
        return cell(label, [svg_output()], fig_cap=f"Caption of {label}",
                    fig_alt=f"Bar chart for {label}: the first bar is taller than the second.")
    if label.startswith("tbl-"):
        wide = 11 if label == "tbl-scorecard" else 3
        rows = 60 if label == "tbl-scorecard" else 3
        return cell(label, [markdown(table(label, wide, rows))], tbl_cap=f"Caption of {label}")
    return cell(label, [markdown(f"Headline text for {label}: 1,234 children (56.7%).")])


def write_notebooks(reports: Path, folder: Path) -> dict[str, list[str]]:
    """Write one fake executed notebook per notebook the sources embed; returns their labels."""
    labels: dict[str, list[str]] = {}
    for qmd in sorted(reports.glob("*.qmd")):
        for m in EMBED.finditer(qmd.read_text(encoding="utf-8")):
            if m["label"] not in labels.setdefault(m["nb"], []):
                labels[m["nb"]].append(m["label"])
    folder.mkdir(parents=True, exist_ok=True)
    for nb, cells in labels.items():
        doc = {"cells": [fake_cell(label) for label in cells], "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}
        (folder / f"{nb}.ipynb").write_text(json.dumps(doc), encoding="utf-8")
    return labels
