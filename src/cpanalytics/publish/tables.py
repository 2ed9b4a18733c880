"""Published tables: indicator results as suppressed display frames and Markdown.

Every table in the reports goes through here (reports.md, "Quality bar": real tables,
numbers right-aligned with thousands separators, suppression symbols explained).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from cpanalytics.publish import disclosure, tidy
from cpanalytics.publish.disclosure import NOT_APPLICABLE, NOT_AVAILABLE
from cpanalytics.publish.markup import markdown_text
from cpanalytics.publish.publication_audit import ATTR, describe, figure_key, measure_cells, origin
from cpanalytics.publish.targets import Comparator
from cpanalytics.publish.wording import lower_first

#: GSS symbol after a figure that later data will revise (see :func:`counts_by_period`).
PROVISIONAL = "[p]"
#: A display cell that reads as a number (or a GSS symbol standing in for one).
_NUMERIC = re.compile(r"^(-?[\d,]+(\.\d+)?(%| days)?|\[c\]|\[x\]|\[z\])( \[p\])?$")
#: ``frame.attrs`` entry: column -> {cell text: class}. Such a cell is written as a span of
#: that class (``[Green]{.rag-green}``), which the report styles (the RAG cells' colour).
CLASSES = "classes"


def is_numeric_column(column: pd.Series) -> bool:
    """True when every non-empty display cell is a number, a percentage or a GSS symbol."""
    cells = [text for text in (str(v).strip() for v in column.dropna()) if text]
    return bool(cells) and all(_NUMERIC.match(text) for text in cells)


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table: numeric columns right-aligned (``---:``), text left-aligned.

    The separator's dashes set each column's share when pandoc wraps a wide table (Quarto
    or the built-in engine): the longest entry or header word, plus room for the cell
    padding, capped at 32 so long labels wrap and numbers stay on one line. Headings and
    text cells are escaped, so a value from the data shows as typed, never as markup. A
    cell named in ``frame.attrs[CLASSES]`` is a span of its class.
    """
    shown = frame.astype(object).where(frame.notna(), "")
    header = [str(c) for c in shown.columns]
    rows = [[str(v) for v in row] for row in shown.itertuples(index=False)]
    widths = [
        min(32, 2 + max(len(max(h.split() or [""], key=len)), *(len(r[i]) for r in rows), 1))
        for i, h in enumerate(header)
    ]
    align = [
        "-" * (w - 1) + ":" if is_numeric_column(shown[c]) else ":" + "-" * (w - 1)
        for c, w in zip(shown.columns, widths, strict=True)
    ]
    classes: Mapping[str, Mapping[str, str]] = frame.attrs.get(CLASSES, {})
    styled = [classes.get(h, {}) for h in header]
    body = ([_cell(v, s) for v, s in zip(row, styled, strict=True)] for row in rows)
    lines = [[_cell(h) for h in header], align, *body]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _cell(text: str, classes: Mapping[str, str] | None = None) -> str:
    """A heading or cell as markdown: a number or GSS symbol as it is, other text escaped,
    in a span when ``classes`` names one for it."""
    shown = text if _NUMERIC.fullmatch(text) else markdown_text(text)
    return f"[{shown}]{{.{classes[text]}}}" if classes and text in classes else shown


def table_markdown(frame: pd.DataFrame, *, suppressed: bool = True, label: str = "") -> str:
    """A published table as shown: the pipe table, then the symbols note when any appears.

    With a ``label``, a table and its note are one block ``note-<label>``, which the PDF
    keeps on one page (``reports/_layout.md``: a note never opens a page apart from its
    table)."""
    symbols = {disclosure.CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE}
    if not (suppressed and bool(frame.isin(symbols).to_numpy().any())):
        return markdown(frame)
    text = markdown(frame) + "\n\n" + disclosure.symbols_note()
    return f"::: {{#note-{label}}}\n\n{text}\n\n:::" if label else text


def relabel(frame: pd.DataFrame, meanings: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with the codes in its first column and in its headings shown with their
    meaning (``PN1`` -> ``PN1: child attended and spoke for themselves``; issue 15); the
    cells recorded for the disclosure audit and the tidy table follow their renamed columns
    (and the tidy groups their codes)."""
    def mean(text: Any) -> Any:
        return meanings.get(str(text), text)

    out = frame.rename(columns=mean)
    out[out.columns[0]] = out[out.columns[0]].map(mean)
    meta = frame.attrs.get(ATTR)
    out.attrs = {**frame.attrs}
    if meta:
        out.attrs[ATTR] = {**meta, "cells": [
            {**c, "column": mean(c["column"]), "derived": [mean(d) for d in c["derived"]]}
            for c in meta["cells"]]}
    out.attrs[tidy.ATTR] = [{**c, "column": mean(c["column"]),
                             "groups": {k: mean(v) for k, v in c["groups"].items()}}
                            for c in tidy.cells_of(frame)]
    return out


def counts_and_percentages(
    counts: pd.DataFrame,
    label: str,
    count_columns: Sequence[str],
    *,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """A display table of counts per category with each column's percentage of its total.

    ``counts`` has the category in column ``label`` and one count column per period or
    group. A Total row is added; percentages are ``[c]`` where their count is, and
    secondary suppression protects the published total.
    """
    body = counts[[label, *count_columns]].copy()
    for column in count_columns:
        body[column] = pd.to_numeric(body[column]).fillna(0)
    sums = {label: "Total", **{c: body[c].sum() for c in count_columns}}
    body = pd.concat([body, pd.DataFrame([sums])], ignore_index=True)
    shares = {}
    for column in count_columns:
        denominator = body[column].iloc[-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            shares[f"{column} %"] = 100 * body[column] / denominator if denominator else np.nan
    body = body.assign(**shares)
    ordered = [label, *[x for c in count_columns for x in (c, f"{c} %")]]
    body = body[ordered]
    if not suppress:
        return _format_plain(body, count_columns, [f"{c} %" for c in count_columns])
    return disclosure.suppress_table(
        body.set_index(label),
        count_columns=list(count_columns),
        total_row="Total",
        threshold=threshold,
        derived={f"{c} %": [c] for c in count_columns},
    ).reset_index()


#: Column headings for breakdown and category columns.
LABELS: dict[str, str] = {
    "age_band": "Age band", "sex": "Sex", "ethnicity_group": "Ethnic group",
    "legal_status": "Legal status", "placement_type": "Placement type", "uasc": "UASC",
    "reason": "Reason", "placements": "Number of placements", "age_at_review": "Age at review",
    "participation": "Participation", "stage": "Stage", "category": "Category",
    "grade": "Grade", "quarter": "Quarter", "outcome": "Outcome",
    "delay_reason": "Reason for delay", "nationality": "Nationality",
}


def label(column: str) -> str:
    """The heading for a breakdown or category column."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


def marginal(
    result: pd.DataFrame,
    category: str,
    *,
    count: str = "count",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    merge: bool = True,
) -> pd.DataFrame:
    """Counts (and % of the total) of a table-type result summed over one ``category``;
    when suppressing, a lone small group is merged with another (:func:`merge_small`)
    unless ``merge`` is False."""
    groups = _sum_by(result, category, count)
    summed = merge_small(groups, category, threshold, ordered=_ordered(result[category])) if (
        suppress and merge) else groups
    counts = summed.rename(columns={category: label(category)})
    shown = counts_and_percentages(counts, label(category), ["Number"], suppress=suppress,
                                   threshold=threshold).rename(columns={"Number %": "%"})
    if origin(result) is None:
        return shown
    keys = _keys(result, category, summed[category])
    tidy.declare(shown, _share_cells(label(category), summed[category],
                                     {"Number": (result, summed["Number"])}, {"Number": "%"}))
    out = _described(shown, {"Number": (keys, summed["Number"])}, {"Number": "%"})
    merged = summed[~summed[category].isin(groups[category])][category]
    if len(merged):  # the merged row is the sum of its groups, each a figure to protect
        parts = groups[~groups[category].isin(summed[category])]
        part_keys = _keys(result, category, parts[category])[:-1]
        row_key = _keys(result, category, merged)[0]
        meta = out.attrs[ATTR]
        out = describe(out, meta["cells"], [*meta["sums"], (row_key, part_keys)],
                       figures=[{"key": k, "value": v}
                                for k, v in zip(part_keys, parts["Number"], strict=True)])
    return out


def profile(
    results: Mapping[str, pd.DataFrame],
    *,
    count: str = "count",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Characteristic | Group | Number | %: each result summed over its category (the key).

    Each block is suppressed against its total (the same children), then the block totals
    are replaced by one "All children" row.
    """
    return _stack({category: marginal(result, category, count=count, suppress=suppress,
                                      threshold=threshold)
                   for category, result in results.items()})


def profile_periods(
    periods: Mapping[str, Mapping[str, pd.DataFrame]],
    *,
    count: str = "count",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """:func:`profile` with a number and % column pair per period (the keys, e.g. ``2024-25``
    then ``2023-24``): ``periods`` maps each period to its results by category."""
    categories = list(next(iter(periods.values())))
    return _stack({category: compare_periods({p: r[category] for p, r in periods.items()},
                                             category, count=count, suppress=suppress,
                                             threshold=threshold)
                   for category in categories})


def _stack(blocks: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Characteristic | Group | counts...: the blocks (each ending in its Total row) one under
    another, their totals replaced by one "All children" row; the cells for the disclosure
    audit follow their rows (the first block's totals become row 0)."""
    named = [block.rename(columns={label(category): "Group"}).assign(Characteristic=label(category))
             for category, block in blocks.items()]
    body = pd.concat(named, ignore_index=True)
    totals = body["Group"] == "Total"
    overall = body[totals].head(1).assign(Characteristic="All children", Group="")
    columns = ["Characteristic", "Group", *[c for c in named[0].columns
                                            if c not in ("Characteristic", "Group")]]
    shown = pd.concat([overall, body[~totals]], ignore_index=True)[columns]
    figures = [tidy.cells_of(block) for block in blocks.values()]
    tidy.declare(shown, [
        {**c, "groups": {h: shown.at[c["row"], h] for h in ("Characteristic", "Group")}}
        for c in (_restacked(named, figures) if all(figures) else [])])
    metas: list[Any] = [block.attrs.get(ATTR) for block in blocks.values()]
    if not all(metas):
        return shown
    return describe(shown, _restacked(named, [meta["cells"] for meta in metas]),
                    [s for meta in metas for s in meta["sums"]],
                    figures=[f for meta in metas for f in meta.get("figures", [])])


def _restacked(blocks: Sequence[pd.DataFrame], cells: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The blocks' cells at their rows of :func:`_stack`'s table: the first block's total
    row 0, then each block's other rows (the other totals are dropped)."""
    last = len(blocks[0]) - 1
    out, row = [{**c, "row": 0} for c in cells[0] if c["row"] == last], 1
    for block, listed in zip(blocks, cells, strict=True):
        last = len(block) - 1
        out += [{**c, "row": row + c["row"]} for c in listed if c["row"] != last]
        row += last
    return out


def compare_periods(
    results: Mapping[str, pd.DataFrame],
    category: str,
    *,
    count: str = "count",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """One count and % column pair per period (the keys, e.g. ``2024-25``) by ``category``."""
    wide = _by_period(results, category, count)
    merged = wide.rename(columns={category: label(category)})
    shown = counts_and_percentages(merged, label(category), list(results), suppress=suppress,
                                   threshold=threshold)
    if any(origin(r) is None for r in results.values()):
        return shown
    counts = {p: (_keys(r, category, wide[category]), wide[p]) for p, r in results.items()}
    tidy.declare(shown, _share_cells(label(category), wide[category],
                                     {p: (r, wide[p]) for p, r in results.items()},
                                     {p: f"{p} %" for p in results}))
    return _described(shown, counts, {p: f"{p} %" for p in results})


def counts_by_period(
    results: Mapping[str, pd.DataFrame],
    category: str,
    *,
    count: str = "count",
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """``category`` down, one count column per period (the keys), no totals (the rows are
    stages or measures that do not add up), small counts ``[c]``, and `` [p]`` after a count
    whose result rows are flagged ``provisional`` (e.g. AD-04's matches in the latest year)."""
    wide = _by_period(results, category, count)
    merged = wide.rename(columns={category: label(category)})
    if not suppress:
        shown = _format_plain(merged, list(results), [])
    else:
        shown = disclosure.suppress_table(merged, count_columns=list(results), threshold=threshold)
    shown = _mark_provisional(shown, results, category)
    if any(origin(r) is None for r in results.values()):
        return shown
    counts = {p: (_keys(r, category, wide[category])[:-1], wide[p]) for p, r in results.items()}
    tidy.declare(shown, _share_cells(label(category), wide[category],
                                     {p: (r, wide[p]) for p, r in results.items()}, {}, totals=False))
    return _described(shown, counts, {}, totals=False)


def _keys(result: pd.DataFrame, category: str, groups: pd.Series) -> list[str]:
    """The figure key of each group of ``category`` in a result, then of the result's total."""
    measure, day = cast("tuple[str, pd.Timestamp]", origin(result))  # callers pass results
    return [*(figure_key(measure, day, "count", {category: g}) for g in groups.astype(str)),
            figure_key(measure, day)]


def _share_cells(
    heading: str,
    groups: pd.Series,
    counts: Mapping[str, tuple[pd.DataFrame, pd.Series]],
    shares: Mapping[str, str],
    *,
    totals: bool = True,
) -> list[dict[str, Any]]:
    """Tidy cells of count columns (column -> the result counted, its counts by group in
    ``groups`` order) under ``heading``: the counts, then the Total row when ``totals``, and
    each count's percentage of the total in ``shares[column]`` (as
    :func:`counts_and_percentages` works it)."""
    names = [*groups.astype(str), *(["Total"] if totals else [])]
    cells = []
    for column, (result, values) in counts.items():
        measure, day = cast("tuple[str, pd.Timestamp]", origin(result))  # callers pass results
        numbers = [*pd.to_numeric(values).fillna(0)]
        numbers += [sum(numbers)] if totals else []
        for row, (name, number) in enumerate(zip(names, numbers, strict=True)):
            where = {heading: name}
            cells.append(tidy.cell(row, column, measure, day, "count", number, "count",
                                   groups=where, decimals=0))
            if column in shares:
                share = 100 * number / numbers[-1] if numbers[-1] else None
                cells.append(tidy.cell(row, shares[column], measure, day, "percentage", share, "%",
                                       groups=where, decimals=1))
    return cells


def _described(
    shown: pd.DataFrame,
    counts: Mapping[str, tuple[list[str], pd.Series]],
    derived: Mapping[str, str],
    *,
    totals: bool = True,
) -> pd.DataFrame:
    """``shown`` with its count columns' cells (rows in order, then the Total row when
    ``totals``) and each column's total = sum of its groups, for the disclosure audit."""
    cells, sums = [], []
    for column, (keys, values) in counts.items():
        numbers = [*pd.to_numeric(values).fillna(0)]
        numbers += [sum(numbers)] if totals else []
        cells += [{"row": i, "column": column, "key": k, "value": v,
                   "derived": [derived[column]] if column in derived else []}
                  for i, (k, v) in enumerate(zip(keys, numbers, strict=True))]
        sums += [(keys[-1], keys[:-1])] if totals else []
    return describe(shown, cells, sums)


def has_provisional(results: Mapping[str, pd.DataFrame]) -> bool:
    """True when any result has rows flagged ``provisional``."""
    return any("provisional" in r and r["provisional"].astype(bool).any() for r in results.values())


def _mark_provisional(
    shown: pd.DataFrame, results: Mapping[str, pd.DataFrame], category: str
) -> pd.DataFrame:
    """`` [p]`` after the counts in each column of ``results`` (column -> the result it
    shows: a period's, or one result in every column) whose ``category`` rows are flagged
    provisional (AD-04's latest matches, AD-07's statuses that need the match)."""
    out = shown.copy()
    keys = out[label(category)].astype(str)
    for column, result in results.items():
        if "provisional" in result:
            flagged = result.loc[result["provisional"].astype(bool).to_numpy(), category]
            rows = keys.isin(flagged.astype(str)).to_numpy()
            out.loc[rows, column] = out.loc[rows, column].astype(str) + " " + PROVISIONAL
    return out


def _by_period(results: Mapping[str, pd.DataFrame], category: str, count: str) -> pd.DataFrame:
    """``category`` | one count column per period, categories in their own order (a
    categorical's), else in order of first appearance."""
    parts = {p: _sum_by(r, category, count).set_index(category)["Number"] for p, r in results.items()}
    keys = list(dict.fromkeys(k for part in parts.values() for k in part.index))
    dtypes = [r[category].dtype for r in results.values() if category in r]
    if dtypes and isinstance(dtypes[0], pd.CategoricalDtype):
        order = {str(c): i for i, c in enumerate(dtypes[0].categories)}
        keys.sort(key=lambda k: order.get(str(k), len(order)))
    wide = pd.DataFrame({p: part.reindex(keys) for p, part in parts.items()}).fillna(0)
    return wide.rename_axis(category).reset_index()


def merge_small(
    summed: pd.DataFrame, category: str, threshold: int = disclosure.DEFAULT_THRESHOLD,
    *, ordered: bool = False,
) -> pd.DataFrame:
    """``category`` | Number with a lone small group (1 to ``threshold - 1``) merged into
    another, shown as one row "A or b" (or "Other (including a)") (table redesign, GSS
    disclosure guidance): else the total would give the small group away and secondary
    suppression would hide a large count as ``[c]`` (issue 15: 98 placement orders hidden to protect 2 youth-justice orders).

    The partner is the smallest other non-zero group (for ordered groups such as age bands,
    the smaller neighbour), so the least is lost. Nothing changes when no group or several
    are small (the small ones then protect each other), or when fewer than two rows would be
    left (both are hidden instead).
    """
    numbers = pd.to_numeric(summed["Number"]).fillna(0).to_numpy(dtype=float)
    small = (numbers > 0) & (numbers < threshold)
    others = np.flatnonzero(~small & (numbers > 0))
    if int(small.sum()) != 1 or len(others) < 2:
        return summed
    lone = int(np.flatnonzero(small)[0])
    before, after = others[others < lone], others[others > lone]
    pool = np.array([*before[-1:], *after[:1]]) if ordered else others
    partner = int(pool[np.argmin(numbers[pool])])
    first, second = sorted((lone, partner))
    names = summed[category].astype(str).tolist()
    if "Other" in (names[first], names[second]):  # "Other" absorbs the group, where it is
        keep = first if names[first] == "Other" else second
        drop = first + second - keep
        names[keep] = f"Other (including {lower_first(names[drop])})"
    else:
        keep, drop = first, second
        names[keep] = f"{names[first]} or {lower_first(names[second])}"
    numbers[keep] += numbers[drop]
    kept = [i for i in range(len(names)) if i != drop]
    return pd.DataFrame({category: [names[i] for i in kept], "Number": numbers[kept]})


def _ordered(column: pd.Series) -> bool:
    """True for groups with an order (an ordered categorical, or numbers such as ages)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return bool(column.dtype.ordered)
    return bool(len(column)) and bool(pd.to_numeric(column.astype(str), errors="coerce").notna().all())


def _sum_by(result: pd.DataFrame, category: str, count: str) -> pd.DataFrame:
    """``category`` | Number: counts summed over every other category; categories in their
    own order, numbers ascending (ages), anything else in order of first appearance."""
    column = result[category]
    categorical = isinstance(column.dtype, pd.CategoricalDtype)
    numbers = pd.to_numeric(column.astype(str), errors="coerce")
    numeric = not categorical and bool(len(column)) and bool(numbers.notna().all())
    keys = numbers if numeric else column
    summed = result.assign(**{category: keys}).groupby(
        category, observed=True, sort=categorical or numeric)[count].sum()
    return summed.rename("Number").reset_index().assign(**{category: lambda f: f[category].astype(str)})


def crosstab(
    units: pd.DataFrame,
    rows: str,
    columns: str,
    count: str = "count",
    *,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """A rows x columns display table of counts with row and column totals (suppressed), and
    `` [p]`` after the counts of ``rows`` flagged ``provisional`` (e.g. AD-07's statuses that
    need a match in the latest year)."""
    table = units.pivot_table(index=rows, columns=columns, values=count, aggfunc="sum",
                              fill_value=0, observed=True)
    table.columns = [str(c) for c in table.columns]
    table.index = table.index.astype(str)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = label(rows)
    value_columns = [c for c in table.columns if c != "Total"]
    if not suppress:
        shown = table.map(disclosure.format_number).reset_index()
    else:
        shown = disclosure.suppress_table(
            table, count_columns=value_columns, total_row="Total", total_column="Total",
            threshold=threshold,
        ).reset_index()
    shown = _mark_provisional(shown, dict.fromkeys(table.columns, units), rows)
    if origin(units) is None:
        return shown
    measure, day = cast("tuple[str, pd.Timestamp]", origin(units))  # not None: checked above

    def key(row: str, column: str) -> str:
        where = {rows: row, columns: column}
        return figure_key(measure, day, "count", {k: v for k, v in where.items() if v != "Total"})

    cells = [{"row": i, "column": c, "key": key(r, c), "value": table.at[r, c]}
             for i, r in enumerate(table.index) for c in table.columns]
    tidy.declare(shown, [tidy.cell(i, c, measure, day, "count", table.at[r, c], "count",
                                   groups={label(rows): r, label(columns): c}, decimals=0)
                         for i, r in enumerate(table.index) for c in table.columns])
    sums = [(key(r, "Total"), [key(r, c) for c in value_columns]) for r in table.index]
    sums += [(key("Total", c), [key(r, c) for r in table.index[:-1]]) for c in value_columns]
    return describe(shown, cells, sums)


def measures(
    results: Sequence[pd.DataFrame],
    *,
    targets: Mapping[str, float | None] | None = None,
    england: Mapping[str, Comparator] | None = None,
    previous: Sequence[pd.DataFrame] | None = None,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """One row per indicator result: measure, numerator, denominator, value, the value a year
    earlier (``previous``: the same measures a year before, when given), target, England
    (with its year: ``2016/17: 10%``, and an age note when old).

    Each result is a one-row (no ``by``) frame from ``cpanalytics.measures.indicators.compute``;
    values are shown for the indicator's unit, ``[c]`` when small, ``[x]`` when unavailable.
    """
    from cpanalytics.measures.indicators import REGISTRY

    rows: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    earlier = list(previous) if previous is not None else [None] * len(results)
    for result, before in zip(results, earlier, strict=True):
        ind = REGISTRY[str(result["indicator"].iloc[0])]
        shown = display_result(result, suppress=suppress, threshold=threshold).iloc[0]
        first = result.iloc[0]
        cells += measure_cells(len(rows), ind.id, first["date"], ind.unit, first,
                               {"numerator": "Numerator", "denominator": "Denominator", "value": "Value"})
        figures += tidy.result_cells(len(rows), ind.id, first["date"], ind.unit, first,
                                     {"numerator": "Numerator", "denominator": "Denominator", "value": "Value"})
        figures += _reference_cells(len(rows), ind.id, first["date"], ind.unit,
                                    (targets or {}).get(ind.id), (england or {}).get(ind.id))
        row = {
            "Measure": f"{ind.id} {ind.title}",
            "Numerator": shown.get("numerator", NOT_APPLICABLE),
            "Denominator": shown.get("denominator", NOT_APPLICABLE),
            "Value": shown["value"],
        }
        if before is not None:
            row[YEAR_EARLIER] = display_result(before, suppress=suppress,
                                               threshold=threshold).iloc[0]["value"]
            cells += measure_cells(len(rows), ind.id, before["date"].iloc[0], ind.unit,
                                   before.iloc[0], {"value": YEAR_EARLIER})
            figures += tidy.result_cells(len(rows), ind.id, before["date"].iloc[0], ind.unit,
                                         before.iloc[0], {"value": YEAR_EARLIER})
        rows.append(row | {
            "Target": _reference(ind.unit, (targets or {}).get(ind.id)),
            "England": _comparator(ind.unit, (england or {}).get(ind.id)),
        })
    return tidy.declare(describe(pd.DataFrame(rows), cells, suppressible=False), figures)


def _reference_cells(
    row: int, measure: str, date: pd.Timestamp, unit: str, target: float | None,
    england: Comparator | None,
) -> list[dict[str, Any]]:
    """Tidy cells of a measure's target (for its date) and England comparator (for the
    31 March ending the comparator's year), where set."""
    cells = []
    if target is not None and pd.notna(target):
        cells.append(tidy.cell(row, "Target", measure, date, "target", target, unit))
    if england is not None:
        cells.append(tidy.cell(row, "England", measure, pd.Timestamp(year=england.year, month=3, day=31),
                               england.area, england.value, unit))
    return cells


#: The heading of the column holding each measure's value a year earlier.
YEAR_EARLIER = "A year earlier"


def display_result(
    result: pd.DataFrame, *, suppress: bool = True, threshold: int = disclosure.DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """An indicator result with numerator, denominator and value as display strings."""
    from cpanalytics.measures.indicators import REGISTRY

    unit = REGISTRY[str(result["indicator"].iloc[0])].unit
    if suppress:
        shown = disclosure.suppress_result(result, threshold=threshold, unit=unit)
    else:
        shown = result.astype(object)
        for column in ("numerator", "denominator"):
            if column in result:
                shown[column] = [disclosure.format_number(v, _places(v)) for v in result[column].tolist()]
        shown["value"] = [disclosure.format_value(v, unit) for v in result["value"].tolist()]
    if unit == "count":
        shown["numerator"] = shown["value"]
        shown["denominator"] = NOT_APPLICABLE
    unavailable = ~_available(result)
    if unavailable.any():
        shown.loc[unavailable, ["numerator", "denominator", "value"]] = NOT_AVAILABLE
    if "provisional" in result:
        marked = result["provisional"].astype(bool).to_numpy() & ~unavailable.to_numpy()
        for column in ("numerator", "value"):
            shown.loc[marked, column] = shown.loc[marked, column].astype(str) + " " + PROVISIONAL
    return shown


def _places(value: float) -> int:
    """0 decimals for numbers whole at one decimal (counts, summed days; 345.02 -> 345), else 1."""
    return 0 if pd.isna(value) or disclosure.is_whole(round(value, 1)) else 1


def _reference(unit: str, value: float | None) -> str:
    """A target or comparator as shown beside a value (``10%``, ``426``); none -> ``[z]``."""
    if value is None or pd.isna(value):
        return NOT_APPLICABLE
    return disclosure.format_reference(value, unit)


def _comparator(unit: str, comparator: Comparator | None) -> str:
    """England beside a value with its year, ``2016/17: 10%``; none -> ``[z]``."""
    if comparator is None:
        return NOT_APPLICABLE
    return comparator.describe(_reference(unit, comparator.value), area=False)


def _format_plain(frame: pd.DataFrame, counts: Sequence[str], shares: Sequence[str]) -> pd.DataFrame:
    """Format without suppression: counts with separators, percentages to 1 dp."""
    out = frame.astype(object)
    for column in counts:
        out[column] = frame[column].map(disclosure.format_number)
    for column in shares:
        out[column] = frame[column].map(lambda v: disclosure.format_number(v, 1))
    return out


def _available(result: pd.DataFrame) -> pd.Series:
    """True for rows computed from data (False when an optional extract was missing)."""
    if "available" not in result:
        return pd.Series(True, index=result.index)
    return result["available"].fillna(True).astype(bool)
