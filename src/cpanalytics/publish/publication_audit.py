"""Whole-publication disclosure audit, in the manner of tau-argus's audit of protection intervals.

Every published count is a *figure*: the population it counts (measure, date, part and
breakdown, :func:`figure_key`) and its unsuppressed value. The tables record where each
figure appears and which figures sum to which (:func:`describe`); :data:`SHARED` adds the
numerators that measures share with breakdown tables. For every suppressed figure,
scipy's HiGHS linear programming finds the range of values consistent with everything
published; :func:`protect` hides further breakdown cells, the fewest children per count
protected, until every small count's range covers its protection interval (:class:`Protection`).
The counts sentences and charts print are figures too (:func:`printed`), never hidden after
the fact: the audit protects around them, so no sentence or chart shows a count it hides.
A percentage a chart draws bounds its numerator by its denominator (to the rounding of the
percentage), and every share whose numerator and denominator are figures implies a third,
its *complement* (denominator = numerator + complement, e.g. the children not reviewed in
time), audited like a suppressed count: a complement of 1 to 4 must not be pinned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from cpanalytics.publish.disclosure import (
    CONFIDENTIAL,
    DEFAULT_THRESHOLD,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    child_count_columns,
)

#: The folder of each notebook's output directory holding the audit's sidecars (private:
#: they hold unsuppressed values; the pipeline never publishes it).
SIDECAR_DIR = "disclosure"
#: ``frame.attrs`` entry carrying a table's cell definitions to :func:`sidecar`.
ATTR = "disclosure"

#: Figures shared between a measure and a breakdown table: (measure, part, table measure,
#: category, categories summed; none = the table's total). Each is used only in builds
#: where it holds exactly on the unsuppressed values.
SHARED: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    ("AD-06", "numerator", "CIC-03", "reason", ("Adopted", "Special guardianship order")),
    ("PS-01", "numerator", "PS-03", None, ()),
    ("PS-01", "denominator", "CIC-05", None, ()),
    ("IR-02", "numerator", "IR-03", "participation", ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6")),
    ("IR-02", "denominator", "IR-03", None, ()),
    ("IR-08", "numerator", "IR-08a", "grade", ("OUTSTANDING", "GOOD")),
    ("IR-08", "denominator", "IR-08a", None, ()),
)


def figure_key(measure: str, date: Any, part: str = "count", where: Mapping[str, Any] | None = None) -> str:
    """The population a figure counts: ``CIC-03|2025-03-31|count|reason=Adopted``."""
    day = pd.Timestamp(date).date().isoformat()
    breakdown = ";".join(f"{k}={v}" for k, v in sorted((where or {}).items()))
    return f"{measure}|{day}|{part}|{breakdown}"


def origin(result: pd.DataFrame) -> tuple[str, pd.Timestamp] | None:
    """The measure and date a result counts (``None`` for a frame that is not a result)."""
    if len(result) and {"indicator", "date"} <= set(result.columns):
        return str(result["indicator"].iloc[0]), pd.Timestamp(result["date"].iloc[0])
    return None


def describe(
    frame: pd.DataFrame,
    cells: Iterable[Mapping[str, Any]],
    sums: Iterable[tuple[str, Sequence[str]]] = (),
    *,
    suppressible: bool = True,
    figures: Iterable[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """``frame`` with its count cells (``row``, ``column``, ``key``, ``value``, ``derived``
    columns hidden with it) and sums (total key, part keys) in ``frame.attrs``.

    ``suppressible`` cells are breakdown counts the audit may hide to protect another.
    ``figures`` (``key``, ``value``) are counts the table does not show but its sums name:
    the groups merged into one row (``tables.merge_small``), which the audit must protect.
    """
    frame.attrs[ATTR] = {
        "suppressible": suppressible,
        "cells": [{**c, "value": float(c["value"]), "derived": list(c.get("derived", ()))} for c in cells],
        "sums": [[total, list(parts)] for total, parts in sums],
        "figures": [{"key": f["key"], "value": float(f["value"])} for f in figures],
    }
    return frame


@dataclass
class _Recorder:
    """Where the running notebook's sentences and charts record their figures."""

    directory: Path | None = None
    count: int = 0


_RECORDER = _Recorder()


def record_to(directory: str | Path | None) -> None:
    """Record the counts later sentences and charts print in ``directory``'s sidecars
    (``None``: record nothing). :func:`cpanalytics.runtime.notebook.output_path` calls it."""
    _RECORDER.directory, _RECORDER.count = (Path(directory) if directory else None), 0


def printed(
    kind: str, cells: Sequence[Mapping[str, Any]], sums: Iterable[tuple[str, Sequence[str]]] = (),
    rates: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Record the counts a sentence or chart (``kind``) prints: ``key``, unsuppressed
    ``value`` and the ``shown`` text (``[c]`` when hidden), with the sums between them,
    and the percentages it draws (:func:`rate`). They are not suppressible: the audit
    never hides them, and protects around them."""
    shown = [c for c in cells if c["shown"] not in (NOT_AVAILABLE, NOT_APPLICABLE) and pd.notna(c["value"])]
    if _RECORDER.directory is None or not (shown or rates):
        return
    _RECORDER.count += 1
    name = f"{kind}-{_RECORDER.count}"
    record = {"table": f"{_RECORDER.directory.name}/{name}", "kind": kind, "markdown": None, "suppressed": True, "suppressible": False,
              "sums": [[total, list(parts)] for total, parts in sums], "rates": list(rates),
              "cells": [{"row": i, "column": kind, "key": c["key"], "value": float(c["value"]), "derived": [],
                         "shown": str(c["shown"])} for i, c in enumerate(shown)]}
    path = _RECORDER.directory / SIDECAR_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")


def rate(
    measure: str, date: Any, numbers: Mapping[Any, Any] | pd.Series, decimals: int,
    where: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A published percentage (``numbers["value"]``, shown to ``decimals`` places) of
    ``numerator`` over ``denominator``: the numerator lies within the rounding interval
    times the denominator, whether or not either count is published."""
    shown, half = round(float(numbers["value"]), decimals), 0.5 * 10.0 ** -decimals
    return {"numerator": figure_key(measure, date, "numerator", where),
            "denominator": figure_key(measure, date, "denominator", where),
            "values": [float(numbers["numerator"]), float(numbers["denominator"])],
            "low": max(0.0, shown - half) / 100, "high": min(100.0, shown + half) / 100}


def measure_cells(
    row: int, measure: str, date: Any, unit: str, numbers: Mapping[str, float] | pd.Series,
    columns: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The cells of one measure's published counts of children (``numbers`` by ``numerator``,
    ``denominator``, ``value``; ``columns`` says where each is shown)."""
    counted = [p for p in child_count_columns(unit, list(numbers.keys())) if p in columns and pd.notna(numbers[p])]
    return [{"row": row, "column": columns[p], "key": figure_key(measure, date, "count" if p == "value" else p),
             "value": numbers[p], "derived": [c for c in [columns.get("value")] if c and c != columns[p]]}
            for p in counted]


def sidecar(label: str, frame: pd.DataFrame, markdown: str, *, suppressed: bool = True) -> dict[str, Any] | None:
    """The audit's record of a published table: each cell with the text published in it
    ([x] and [z] cells left out), and the exact Markdown shown in the notebook. ``None``
    without cell definitions, or when a cell shows another number than its definition's
    (rows filtered after the table was made): the audit then lists the table as unaudited."""
    meta = frame.attrs.get(ATTR)
    if not meta:
        return None
    columns = {str(c): i for i, c in enumerate(frame.columns)}
    cells = [
        {**c, "shown": str(frame.iat[c["row"], columns[c["column"]]])}
        for c in meta["cells"] if c["column"] in columns and c["row"] < len(frame)
    ]
    cells = [c for c in cells if c["shown"] not in (NOT_AVAILABLE, NOT_APPLICABLE)]
    if not all(is_hidden(c["shown"]) or _shows(c["shown"], c["value"]) for c in cells):
        return None
    return {"table": label, "markdown": markdown, "suppressed": suppressed,
            "suppressible": meta["suppressible"], "sums": meta["sums"], "cells": cells,
            "figures": meta.get("figures", [])}


def _shows(shown: str, value: float) -> bool:
    """True when a cell's text (``1,628``, ``345.0``, ``12 [p]``) is ``value`` to 1 decimal place."""
    try:
        return abs(float(shown.split(" ")[0].replace(",", "")) - value) <= 0.05 + 1e-9
    except ValueError:
        return False


def headline_sidecar(name: str, records: Sequence[Mapping[str, Any]], units: Mapping[str, str]) -> dict[str, Any]:
    """The audit's record of a notebook's headline figures: the counts among them."""
    cells = [{"row": i, "column": "display", "key": figure_key(r["id"], r["as_at"]), "value": float(r["value"]),
              "derived": [], "shown": str(r["display"])}
             for i, r in enumerate(records) if units.get(r["id"]) == "count" and r.get("value") is not None]
    return {"table": f"{name}.json", "markdown": None, "suppressed": True, "suppressible": False,
            "sums": [], "cells": [c for c in cells if c["shown"] not in (NOT_AVAILABLE, NOT_APPLICABLE)]}


def is_hidden(shown: str) -> bool:
    """True for a cell published as ``[c]``."""
    return shown.startswith(CONFIDENTIAL)


@dataclass(frozen=True)
class Protection:
    """A small count (1 to ``threshold - 1``) is protected when the range an intruder can
    work out covers its value ``margin`` either side (never below 0)."""

    threshold: int = DEFAULT_THRESHOLD
    margin: float = 1.0

    def __post_init__(self) -> None:
        if not self.margin > 0:
            raise ValueError(f"the protection margin must be more than 0, not {self.margin}")

    def sensitive(self, value: float) -> bool:
        return 0 < value < self.threshold

    def protected(self, value: float, low: float, high: float) -> bool:
        return low <= max(0.0, value - self.margin) + 1e-6 and high >= value + self.margin - 1e-6


@dataclass
class Place:
    """Where a figure is published: table, row and column, and whether it is shown there."""

    table: str
    row: int
    column: str
    suppressible: bool
    hidden: bool


@dataclass
class Publication:
    """Every figure of one build (value and places), the sums between figures (a figure
    published nowhere is an unknown in them), the percentages drawn (numerator, denominator,
    least and greatest share) and each complement's numerator; how many figures had two
    values, sums of known figures did not hold (both left out), and shared figures were used."""

    values: dict[str, float] = field(default_factory=dict)
    places: dict[str, list[Place]] = field(default_factory=dict)
    sums: list[tuple[str, list[str]]] = field(default_factory=list)
    rates: list[tuple[str, str, float, float]] = field(default_factory=list)
    complements: dict[str, str] = field(default_factory=dict)
    #: Counts shown only as part of a merged row (``tables.merge_small``): audited like [c].
    merged: set[str] = field(default_factory=set)
    conflicts: int = 0
    not_holding: int = 0
    shared_used: int = 0

    @classmethod
    def from_sidecars(cls, records: Iterable[Mapping[str, Any]]) -> Publication:
        """Collect the sidecars' cells, sums and percentages, then the :data:`SHARED` figures
        that hold and the complement of every share."""
        pub = cls()
        for record in records:
            for cell in record["cells"]:
                pub._value(cell["key"], cell["value"])
                pub.places.setdefault(cell["key"], []).append(Place(
                    record["table"], cell["row"], cell["column"], record["suppressible"],
                    is_hidden(cell["shown"])))
            for figure in record.get("figures", []):  # counts not shown, summed in a row
                pub._value(figure["key"], figure["value"])
                pub.merged.add(figure["key"])
            pub.sums += [(total, list(parts)) for total, parts in record["sums"]]
            for r in record.get("rates", []):
                pub._value(r["numerator"], r["values"][0])
                pub._value(r["denominator"], r["values"][1])
                pub.rates.append((r["numerator"], r["denominator"], r["low"], r["high"]))
        holding = [s for s in pub.sums if pub._holds(*s) or not all(k in pub.values for k in [s[0], *s[1]])]
        pub.not_holding, pub.sums = len(pub.sums) - len(holding), holding
        pub._share()
        pub._complement()
        return pub

    def _value(self, key: str, value: float) -> None:
        if key in self.values and self.values[key] != value:
            self.conflicts += 1
        self.values.setdefault(key, value)

    def _complement(self) -> None:
        """Add each share's complement (denominator - numerator), published nowhere, with the
        sum denominator = numerator + complement (so 0 <= numerator <= denominator)."""
        for key in [k for k in self.values if k.split("|")[2] == "numerator"]:
            measure, day, _, where = key.split("|")
            total = f"{measure}|{day}|denominator|{where}"
            if total in self.values:
                complement = f"{measure}|{day}|complement|{where}"
                self.values[complement] = self.values[total] - self.values[key]
                self.complements[complement] = key
                self.sums.append((total, [key, complement]))

    def _holds(self, total: str, parts: list[str]) -> bool:
        known = [self.values.get(k) for k in [total, *parts]]
        if None in known:
            return False
        figures = cast("list[float]", known)  # no None left (checked above)
        return abs(figures[0] - sum(figures[1:])) < 1e-6

    def _share(self) -> None:
        """Add each :data:`SHARED` relation, on every date both sides are known and equal."""
        for key in list(self.values):
            measure, day, part, where = key.split("|")
            for name, shared_part, table, category, groups in SHARED:
                if (measure, part, where) != (name, shared_part, ""):
                    continue
                parts = [figure_key(table, day, "count", {category: g} if category else None)
                         for g in (groups if category else [""])]
                if self._holds(key, parts):
                    self.sums.append((key, parts))
                    self.shared_used += 1

    def placed(self, key: str) -> str:
        """The figure whose places stand for ``key`` (a complement's numerator)."""
        return self.complements.get(key, key)

    def published(self, key: str, hidden: set[str]) -> bool:
        """True when ``key`` shows its value somewhere (and is not being hidden)."""
        return key not in hidden and any(not p.hidden for p in self.places.get(key, []))

    def suppressible(self, key: str) -> bool:
        """True when every place the figure is published is a breakdown table's cell."""
        return all(p.suppressible for p in self.places[key])


def ranges(pub: Publication, hidden: set[str], keys: Iterable[str]) -> dict[str, tuple[float, float]]:
    """For each of ``keys`` (figures not published), the least and greatest value consistent
    with every published figure, sum and percentage drawn, counts being non-negative
    (HiGHS, relaxed)."""
    terms = [[(total, 1.0)] + [(p, -1.0) for p in parts] for total, parts in pub.sums]
    equal = len(terms)  # then: numerator <= high x denominator, low x denominator <= numerator
    terms += [t for n, d, low, high in pub.rates for t in ([(n, 1.0), (d, -high)], [(d, low), (n, -1.0)])]
    unknown = sorted({k for t in terms for k, _ in t if not pub.published(k, hidden)} | set(keys))
    index = {k: i for i, k in enumerate(unknown)}
    rows, cols, coef, rhs, kinds = [], [], [], [], []
    for number, row in enumerate(terms):
        free = [(index[k], c) for k, c in row if k in index]
        if not free:
            continue
        rhs.append(-sum(c * pub.values[k] for k, c in row if k not in index))
        kinds.append(number < equal)
        rows += [len(rhs) - 1] * len(free)
        cols += [i for i, _ in free]
        coef += [c for _, c in free]
    # arrays, not lists, for scipy-stubs: coo_matrix converts lists to the same arrays
    row_at, col_at = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
    a = coo_matrix((np.asarray(coef, dtype=np.float64), (row_at, col_at)),
                   shape=(len(rhs), len(unknown))).tocsr()
    links = coo_matrix((np.ones(len(cols)), (row_at + len(unknown), col_at)),
                       shape=(len(rhs) + len(unknown),) * 2)
    _, component = connected_components(links, directed=False)
    out = {}
    for key in keys:
        group = np.flatnonzero(component[: len(unknown)] == component[index[key]])
        constraints = np.flatnonzero(component[len(unknown):] == component[index[key]])
        eq = np.asarray(kinds, dtype=bool)[constraints]
        sub, b = a[constraints][:, group], np.asarray(rhs)[constraints]
        out[key] = _bounds(sub[eq], b[eq], sub[~eq], b[~eq], int(np.flatnonzero(group == index[key])[0]))
    return out


def _bounds(a: Any, b: np.ndarray, a_ub: Any, b_ub: np.ndarray, target: int) -> tuple[float, float]:
    """Minimum and maximum of one variable subject to ``a x = b``, ``a_ub x <= b_ub``, ``x >= 0``."""
    if a.shape[0] + a_ub.shape[0] == 0:
        return 0.0, float("inf")
    cost = np.zeros(a.shape[1])
    cost[target] = 1.0
    found = []
    equal = {"A_eq": a, "b_eq": b} if a.shape[0] else {}
    upper = {"A_ub": a_ub, "b_ub": b_ub} if a_ub.shape[0] else {}
    for sign in (1.0, -1.0):
        solved = linprog(sign * cost, **equal, **upper, bounds=(0, None), method="highs")
        if solved.status == 3:
            found.append(float("inf"))
        elif solved.status != 0:
            raise ValueError(f"disclosure audit: the published figures are inconsistent ({solved.message})")
        else:
            found.append(sign * cast(float, solved.fun))  # set whenever status is 0
    return found[0], found[1]


@dataclass
class Audit:
    """The outcome: ranges of the small suppressed counts, the extra cells hidden, failures."""

    ranges: dict[str, tuple[float, float]]
    extra: list[str]
    failing: list[str]
    suppressed: int

    @property
    def passed(self) -> bool:
        return not self.failing

    def min_width(self) -> float | None:
        """The narrowest range of a suppressed small count (``None`` when none is bounded)."""
        widths = [hi - lo for lo, hi in self.ranges.values() if np.isfinite(hi)]
        return min(widths) if widths else None


def check(pub: Publication, protection: Protection, hidden: set[str]) -> dict[str, tuple[float, float]]:
    """The range of each small count shown as ``[c]`` somewhere or merged into another row,
    and of each small complement: its value alone when it is published elsewhere, else as
    :func:`ranges` works it out."""
    small = [k for k, v in pub.values.items() if protection.sensitive(v) and (
        k in hidden or k in pub.complements or k in pub.merged
        or any(p.hidden for p in pub.places.get(k, [])))]
    shown = {k: (pub.values[k], pub.values[k]) for k in small if pub.published(k, hidden)}
    return {**ranges(pub, hidden, [k for k in small if k not in shown]), **shown}


def protect(pub: Publication, protection: Protection | None = None) -> Audit:
    """Audit ``pub``; while small counts are not protected, hide the suppressible cell that
    protects them at the least count per cell protected (or, when none protects any, the
    smallest that widens the first one's range); finally show again any extra cell not needed."""
    protection = protection or Protection()
    hidden: set[str] = set()
    extra: list[str] = []
    stuck: set[str] = set()  # counts no further cell can protect
    found = check(pub, protection, hidden)
    while failing := [k for k in _failing(pub, protection, found) if k not in stuck]:
        shown = [k for k in failing if pub.published(k, hidden)]  # [c] here, shown there
        first = shown[0] if shown else failing[0]
        choice = (first if pub.suppressible(first) else None) if shown else _complement(
            pub, protection, hidden, failing, found)
        if choice is None:
            stuck.add(first)
            continue
        hidden.add(choice)
        extra.append(choice)
        found = check(pub, protection, hidden)
    for key in sorted(extra, key=lambda k: -pub.values[k]):
        trial = check(pub, protection, hidden - {key})
        if not _failing(pub, protection, trial):
            hidden.discard(key)
            extra.remove(key)
            found = trial
    suppressed = sum(not pub.published(k, hidden) for k in pub.places)
    return Audit(found, sorted(extra), _failing(pub, protection, found), suppressed)


def _failing(pub: Publication, protection: Protection, found: Mapping[str, tuple[float, float]]) -> list[str]:
    return [k for k, (lo, hi) in found.items() if not protection.protected(pub.values[k], lo, hi)]


def _complement(
    pub: Publication, protection: Protection, hidden: set[str], failing: list[str],
    found: Mapping[str, tuple[float, float]],
) -> str | None:
    """The next cell to hide: of the published, suppressible, non-zero figures in a sum with
    an unknown, the one protecting the most failing counts per child shown (the smallest on
    a tie); else the smallest that widens the first failing count's range."""
    unknown = {k for k in pub.values if not pub.published(k, hidden)}
    near = {k for total, parts in pub.sums if unknown & {total, *parts} for k in [total, *parts]}
    candidates = sorted(
        (k for k in near if pub.published(k, hidden) and pub.suppressible(k) and pub.values[k] > 0),
        key=lambda k: (pub.values[k], k),
    )
    best, widening = None, None
    for candidate in candidates:
        trial = ranges(pub, hidden | {candidate}, failing)
        fixed = len(failing) - len(_failing(pub, protection, trial))
        if fixed and (best is None or pub.values[candidate] / fixed < best[0]):
            best = (pub.values[candidate] / fixed, candidate)
        lo, hi = trial[failing[0]]
        if widening is None and (lo < found[failing[0]][0] or hi > found[failing[0]][1]):
            widening = candidate
    return best[1] if best else widening


def hide(frame: pd.DataFrame, cells: Iterable[Mapping[str, Any]], keys: set[str]) -> pd.DataFrame | None:
    """A published table (display strings) with the ``cells`` of ``keys``, and the columns
    derived from them, shown as ``[c]``; ``None`` when nothing changes."""
    chosen = [c for c in cells if c["key"] in keys and not is_hidden(c["shown"])]
    if not chosen:
        return None
    out = frame.copy()
    for cell in chosen:
        for column in [cell["column"], *cell["derived"]]:
            if column in out.columns:
                # unique column names: get_loc gives the position as an int
                out.iat[cell["row"], cast(int, out.columns.get_loc(column))] = CONFIDENTIAL
    return out
