"""The build's whole-publication disclosure audit (``cpanalytics.publish.publication_audit``).

Reads the sidecars the notebooks left in their private work folders, hides the extra
cells the audit chooses in the staged CSV tables, their tidy tables and the executed
notebooks' Markdown (which the reports and the spreadsheet are made from), and returns the
manifest summary.
The counts sentences and charts print are never hidden after the fact (the audit protects
around them), so no text or chart needs rewriting.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from cpanalytics.publish import tidy
from cpanalytics.publish.publication_audit import (
    SIDECAR_DIR,
    Protection,
    Publication,
    hide,
    protect,
)
from cpanalytics.publish.tables import table_markdown


def run(year_dir: Path, work: Path, protection: Protection | None = None) -> tuple[dict[str, Any], str | None]:
    """Audit the staged build; ``(summary, None)`` when it passes (extra cells hidden), else
    ``(summary, message)`` naming each small count that could not be protected."""
    started = time.perf_counter()
    protection = protection or Protection()
    sidecars = sorted(work.glob(f"*/{SIDECAR_DIR}/*.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) | {
        "notebook": p.parent.parent.name, "csv": year_dir / "tables" / f"{p.stem}.csv"} for p in sidecars]
    pub = Publication.from_sidecars(records)
    audit = protect(pub, protection)
    if audit.passed:
        _apply(year_dir, [r for r in records if r["markdown"] is not None], set(audit.extra))
    tables = {r["table"]: r for r in records}
    summary = {
        "passed": audit.passed,
        "tables": sum(r["markdown"] is not None for r in records),
        "sentences": sum(r.get("kind") == "text" for r in records),
        "charts": sum(r.get("kind") == "chart" for r in records),
        "tables_not_audited": sorted({p.stem for p in (year_dir / "tables").glob("*.csv")}
                                     - {r["table"] for r in records}),
        "cells_checked": sum(len(places) for places in pub.places.values()),
        "figures_checked": len(pub.values),
        "suppressed": audit.suppressed,
        "small_counts_suppressed": sum(k not in pub.complements for k in audit.ranges),
        "complements_checked": len(pub.complements),
        "small_complements": sum(k in pub.complements for k in audit.ranges),
        "percentages_checked": len(pub.rates),
        "extra_suppressions": [_where(tables, pub, key) for key in audit.extra],
        "min_interval_width": audit.min_width(),
        "sums": len(pub.sums),
        "shared_between_measures": pub.shared_used,
        "inconsistent": {"figures": pub.conflicts, "sums": pub.not_holding},
        "protection": {"threshold": protection.threshold, "margin": protection.margin},
        "seconds": round(time.perf_counter() - started, 3),
    }
    if audit.passed:
        return summary, None
    failing = "\n".join(
        f"  {_where(tables, pub, key)['table']}: {_label(_where(tables, pub, key))} ({_population(key)}) "
        f"can be worked out to within {audit.ranges[key][1] - audit.ranges[key][0]:g}" for key in audit.failing)
    return summary, (
        f"disclosure audit FAILED: {len(audit.failing)} suppressed count(s) of 1 to "
        f"{protection.threshold - 1} can be worked out from the published figures, and no "
        "further cell could be hidden to protect them; nothing was published and the previous "
        f"outputs are unchanged:\n{failing}"
    )


def _where(tables: dict[str, dict[str, Any]], pub: Publication, key: str) -> dict[str, str]:
    """Table, row label and column of the first place a figure is ``[c]`` (never its value);
    for a complement, its numerator's place."""
    place = sorted(pub.places[pub.placed(key)], key=lambda p: not p.hidden)[0]
    record = tables[place.table]
    frame = _read(record)
    figures = {cell["column"] for cell in record["cells"]} | _derived(record)
    heads = list(itertools.takewhile(lambda c: c not in figures, frame.columns))  # the row's labels
    text = [str(frame.at[place.row, c]) for c in heads]
    return {"table": place.table, "row": " / ".join(t for t in text if t) or str(place.row),
            "column": place.column}


def _label(where: dict[str, str]) -> str:
    return f"row {where['row']!r}, column {where['column']!r}"


def _population(key: str) -> str:
    """``CIC-03 reason=Adopted on 2025-03-31`` from a figure key."""
    measure, day, part, where = key.split("|")
    part = {"count": "", "complement": "complement (denominator minus numerator)"}.get(part, part)
    return " ".join(t for t in [measure, part, where.replace(";", ", "), f"on {day}"] if t)


def _derived(record: dict[str, Any]) -> set[str]:
    return {d for cell in record["cells"] for d in cell["derived"]}


def _read(record: dict[str, Any]) -> pd.DataFrame:
    """A published table as its display strings (a headline JSON, sentence or chart as one
    column, named as its cells' column so that no value is taken for a row label)."""
    if record["markdown"] is None:
        return pd.DataFrame({record.get("kind", "display"): [c["shown"] for c in record["cells"]]})
    return pd.read_csv(record["csv"], dtype=str, keep_default_na=False)


def _apply(year_dir: Path, records: list[dict[str, Any]], keys: set[str]) -> None:
    """Show ``keys`` as ``[c]`` in the staged CSVs, their tidy tables (value blank) and the
    executed notebooks' tables."""
    for record in records:
        new = hide(_read(record), record["cells"], keys) if keys else None
        if new is None:
            continue
        new.to_csv(record["csv"], index=False)
        numbers = record["csv"].parent / tidy.DIR / record["csv"].name
        if record.get("tidy") and numbers.exists():
            tidy.rehide(pd.read_csv(numbers, dtype=str, keep_default_na=False), record["tidy"],
                        new).to_csv(numbers, index=False)
        executed = year_dir / "notebooks" / f"{record['notebook']}.ipynb"
        notebook = nbformat.read(executed, as_version=4)
        shown = [o["data"] for c in notebook.cells for o in c.get("outputs", [])
                 if o.get("data", {}).get("text/markdown") == record["markdown"]]
        if not shown:
            raise ValueError(f"disclosure audit: table {record['table']} not found in {executed.name}")
        for data in shown:
            data["text/markdown"] = table_markdown(new, suppressed=record["suppressed"],
                                                   label=record["table"])
        nbformat.write(notebook, executed)
