"""Each published table again as tidy numeric data (issue 16 item 6; the Analysis Function's
"Releasing statistics in spreadsheets": machine-readable tables).

A tidy table has one row per measure, date, group and statistic: ``measure`` (the indicator
id), ``date`` (the day the figure is for: an England comparator's is the 31 March ending
its year), the groups (breakdown columns, headed as in the table), ``statistic`` (count,
percentage, numerator, denominator, value, target, floor, England), ``value`` (a number,
rounded as the table shows it), ``unit`` and ``status`` ([c], [x], [z], [p]).

The table builders (:mod:`cpanalytics.publish.tables`, :mod:`cpanalytics.publish.scorecard`)
declare every figure they show as a :func:`cell`, from the numbers behind the display
strings, in ``frame.attrs``. :func:`frame` takes each cell's markers from the display table,
so a figure hidden there is blank here; :func:`rehide` does the same after the disclosure
audit hides more cells.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpanalytics.publish import markup
from cpanalytics.publish.disclosure import (
    CONFIDENTIAL,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    UNIT_DECIMALS,
    is_whole,
)
from cpanalytics.publish.publication_audit import ATTR as AUDIT

#: ``frame.attrs`` entry holding a table's declared cells, and the folder of ``tables/``
#: the tidy tables go in.
ATTR = "tidy"
DIR = "tidy"
#: The markers a status may hold, in the order written; those that leave ``value`` blank.
MARKERS = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE, "[p]")
BLANKING = frozenset(MARKERS[:3])
_MARKER = re.compile(r"\[[cxzp]\]")


def cell(
    row: int, column: str, measure: str, date: Any, statistic: str, value: Any, unit: str,
    *, groups: Mapping[str, Any] | None = None, decimals: int | None = None,
) -> dict[str, Any]:
    """A figure shown at ``row`` of ``column``: what it measures, its number (rounded to
    ``decimals`` as shown; ``None``: as set, e.g. a target) and unit."""
    return {"row": int(row), "column": str(column), "measure": str(measure),
            "date": pd.Timestamp(date).date().isoformat(), "statistic": statistic,
            "value": None if value is None or pd.isna(value) else float(value), "unit": unit,
            "decimals": decimals, "groups": {str(k): str(v) for k, v in (groups or {}).items()}}


def declare(frame: pd.DataFrame, cells: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """``frame`` with its figures' cells in ``frame.attrs`` (see :func:`frame`)."""
    frame.attrs[ATTR] = [dict(c) for c in cells]
    return frame


def cells_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The cells ``frame`` declares (none when it declares none)."""
    return list(frame.attrs.get(ATTR, []))


def part_unit(unit: str, part: str) -> str:
    """The unit of a measure's ``numerator``, ``denominator`` or ``value`` (indicators.md,
    "Units"): a mean's numerator sums days or scores; IR-05's denominator is FTE IROs."""
    if part == "value":
        return unit
    if part == "numerator":
        return unit if unit in ("days", "score") else "count"
    return "FTE" if unit == "children per FTE" else "count"


def result_cells(
    row: int, measure: str, date: Any, unit: str, numbers: Mapping[str, Any] | pd.Series,
    columns: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The cells of one measure's ``numerator``, ``denominator`` and ``value`` (``numbers``)
    shown in ``columns`` (part -> heading); of a count, its value only (the table repeats it)."""
    parts = ["value"] if unit == "count" else ["numerator", "denominator", "value"]
    return [cell(row, columns[p], measure, date, p, numbers.get(p), part_unit(unit, p),
                 decimals=_decimals(unit, p, numbers.get(p)))
            for p in parts if p in columns]


def _decimals(unit: str, part: str, value: Any) -> int:
    """As published: a value to its unit's places, a count whole unless it is not (345.02)."""
    if part == "value":
        return UNIT_DECIMALS.get(unit, 1)
    return 0 if value is None or pd.isna(value) or is_whole(round(float(value), 1)) else 1


def frame(display: pd.DataFrame) -> pd.DataFrame | None:
    """The tidy table of a display table: ``row`` and ``column`` (where each figure is
    shown), measure, date, the groups, statistic, value, unit and status; ``None`` when the
    table declares no figures.

    Cells of a column the table does not show are left out (a builder may declare a column
    only some of its callers add). A table declaring no cells but counts for the disclosure
    audit gets one row per count, grouped by its row labels (the columns before the first
    count's, as the audit names a row) and the count's column heading as ``statistic``.
    """
    positions = {str(c): i for i, c in enumerate(display.columns)}
    declared = cells_of(display) or _audited(display)
    shown = [c for c in declared if c["column"] in positions and c["row"] < len(display)]
    if not shown:
        return None
    texts = [str(display.iat[c["row"], positions[c["column"]]]) for c in shown]
    values = [np.nan if c["value"] is None else
              c["value"] if c["decimals"] is None else round(c["value"], c["decimals"]) for c in shown]
    listed = pd.DataFrame(shown)
    out = pd.concat([listed[["row", "column", "measure", "date"]],
                     pd.DataFrame([c["groups"] for c in shown], index=listed.index).fillna(""),
                     listed[["statistic"]].assign(value=pd.Series(values, index=listed.index, dtype=float)),
                     listed[["unit"]]], axis=1)
    out["status"] = [_status([text], pd.isna(v)) for text, v in zip(texts, values, strict=True)]
    return _blank(out)


def rehide(tidy: pd.DataFrame, positions: Sequence[Sequence[Any]], display: pd.DataFrame) -> pd.DataFrame:
    """A written tidy table (text, as read back) after the disclosure audit hid more cells
    of ``display``: each row's status gains the markers now shown at its ``positions``
    entry (row, column), and its value goes blank where one hides it."""
    columns = {str(c): i for i, c in enumerate(display.columns)}
    texts = [str(display.iat[int(r), columns[str(c)]]) for r, c in positions]
    out = tidy.assign(status=[_status([old, new], False) for old, new in zip(tidy["status"], texts, strict=True)])
    return _blank(out)


def write(tidy: pd.DataFrame, path: Path) -> Path:
    """Write a tidy table (without its ``row`` and ``column``) as CSV: numbers as plain
    numbers (``1363``, ``86.2``), text no spreadsheet reads as a formula."""
    out = tidy.drop(columns=["row", "column"]).astype(object)
    out["value"] = [np.format_float_positional(v, trim="-") if pd.notna(v) else "" for v in tidy["value"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    out.map(markup.csv_text).rename(columns=markup.csv_text).to_csv(path, index=False)
    return path


def _status(texts: Iterable[str], missing: bool) -> str:
    """The markers in ``texts``, in :data:`MARKERS` order; ``[x]`` for a missing number
    shown without one."""
    found = {m for text in texts for m in _MARKER.findall(str(text))}
    if missing and not found & BLANKING:
        found.add(NOT_AVAILABLE)
    return " ".join(m for m in MARKERS if m in found)


def _blank(tidy: pd.DataFrame) -> pd.DataFrame:
    """``value`` blank wherever the status hides it: never a number behind a [c]."""
    hidden = [bool(set(s.split()) & BLANKING) for s in tidy["status"]]
    blank = np.nan if pd.api.types.is_float_dtype(tidy["value"]) else ""  # text, as read back
    return tidy.assign(value=tidy["value"].mask(pd.Series(hidden, index=tidy.index), blank))


def _audited(display: pd.DataFrame) -> list[dict[str, Any]]:
    """Cells of the counts a table records for the disclosure audit (``publication_audit``
    figure keys ``measure|date|part|breakdown``), when it declares none of its own."""
    meta = display.attrs.get(AUDIT)
    if not meta:
        return []
    figures = {c["column"] for c in meta["cells"]}
    heads = list(itertools.takewhile(lambda c: str(c) not in figures, display.columns))
    out = []
    for c in meta["cells"]:
        measure, day = c["key"].split("|")[:2]
        groups = {str(h): display.at[display.index[c["row"]], h] for h in heads} if c["row"] < len(display) else {}
        out.append(cell(c["row"], c["column"], measure, day, str(c["column"]), c["value"], "count",
                        groups=groups, decimals=0))
    return out
