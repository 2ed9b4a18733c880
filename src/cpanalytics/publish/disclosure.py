"""Small-number suppression for published figures (indicators.md, "Small-number suppression").

Counts of 1 to ``threshold - 1`` are shown as ``[c]``; true zeros stay ``0`` (GSS
practice: a zero discloses nothing about an individual child). Rates whose numerator or
denominator is suppressed are ``[c]`` too, and secondary suppression stops a suppressed
cell being worked out from row or column totals. Nothing here modifies its input: internal
objects keep their unsuppressed values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

#: Default threshold: counts below it (and above zero) are suppressed.
DEFAULT_THRESHOLD = 5

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"

#: GSS symbols and the explanatory note text the reports print under tables.
SYMBOLS: dict[str, str] = {
    CONFIDENTIAL: (
        "confidential: a count of 1 to 4 children, or a figure from which one could be "
        "worked out, is not shown to protect the children concerned"
    ),
    NOT_AVAILABLE: "not available: the data needed for this figure was not supplied",
    NOT_APPLICABLE: "not applicable",
}

#: Decimal places used to display a value, by indicator unit.
UNIT_DECIMALS: dict[str, int] = {"%": 1, "days": 1, "per 10,000": 1, "count": 0}


def symbols_note(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The note printed under suppressed tables, naming the threshold in use."""
    confidential = SYMBOLS[CONFIDENTIAL].replace("1 to 4", f"1 to {threshold - 1}")
    return (
        f"{CONFIDENTIAL} {confidential}. {NOT_AVAILABLE} {SYMBOLS[NOT_AVAILABLE]}. "
        f"{NOT_APPLICABLE} {SYMBOLS[NOT_APPLICABLE]}."
    )


def format_number(value: float | None, decimals: int = 0) -> str:
    """A number with thousands separators (``1,579``, ``40.5``); missing -> ``[x]``."""
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    return f"{float(value):,.{decimals}f}"


def format_value(value: float | None, unit: str | None) -> str:
    """An indicator value as published for its unit: ``10.7%``, ``332.0``, ``1,579``."""
    text = format_number(value, UNIT_DECIMALS.get(unit or "", 1))
    return text + "%" if (unit or "").startswith("%") and text != NOT_AVAILABLE else text


def format_reference(value: float | None, unit: str | None) -> str:
    """A target, floor or comparator as set, in its unit: whole numbers without decimals
    (``10%``, ``426``), others to the unit's decimals (``58.6%``); missing -> ``[x]``."""
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    text = format_number(value, 0 if is_whole(value) else UNIT_DECIMALS.get(unit or "", 1))
    return text + "%" if (unit or "").startswith("%") else text


def primary_mask(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """True where a count is 1 to ``threshold - 1`` (primary suppression); zeros stay shown."""
    values = np.column_stack([
        pd.to_numeric(counts[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in counts.columns
    ]) if len(counts.columns) else np.empty((len(counts), 0))
    return pd.DataFrame((values > 0) & (values < threshold), index=counts.index, columns=counts.columns)


def secondary_mask(
    counts: pd.DataFrame,
    mask: pd.DataFrame,
    *,
    rows_totalled: bool,
    columns_totalled: bool,
) -> pd.DataFrame:
    """Add the complementary suppressions that hide the least, so that no totalled row or
    column has exactly one suppressed cell.

    A small integer program (scipy's ``milp``, HiGHS): hide further non-zero cells at the
    least total count (issue 15: never a large count when smaller cells would do), every
    totalled line holding none or at least two hidden cells. Zeros are hidden only when
    nothing else can protect a cell.
    """
    values = counts.apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden = mask.to_numpy(dtype=bool)
    lines = [line for axis, on in ((1, rows_totalled), (0, columns_totalled)) if on
             for line in _lines(values.shape, axis)]
    chosen = _least_complement(values, hidden, lines, zeros=False)
    if chosen is None:
        chosen = _least_complement(values, hidden, lines, zeros=True)
    return pd.DataFrame(hidden if chosen is None else chosen, index=mask.index, columns=mask.columns)


def _lines(shape: tuple[int, int], axis: int) -> list[np.ndarray]:
    """Flat indices of each row (``axis`` 1) or column (``axis`` 0) of a table."""
    grid = np.arange(shape[0] * shape[1]).reshape(shape)
    return list(grid if axis == 1 else grid.T)


def _least_complement(
    values: np.ndarray, hidden: np.ndarray, lines: list[np.ndarray], *, zeros: bool
) -> np.ndarray | None:
    """Hidden cells (primaries and the complements of least total count), or ``None``
    when the lines cannot all be balanced."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # 0.2 s: only for tables to protect

    flat = hidden.ravel()
    if not flat.any() or not lines:
        return hidden.copy()
    free = ~flat & ((values.ravel() > 0) | zeros)
    rows = []  # in each line, each cell hidden => another cell of the line hidden
    for line in lines:
        for cell in line:
            row = np.zeros(flat.size)
            row[line] = 1.0
            row[cell] = -1.0
            rows.append(row)
    cost = values.ravel() + 0.5  # the least count first, then the fewest cells
    solved = milp(cost, integrality=np.ones(flat.size, dtype=np.int_),  # all integer
                  bounds=Bounds(flat.astype(float), (flat | free).astype(float)),
                  constraints=LinearConstraint(np.array(rows), lb=0.0))
    if solved.status != 0:
        return None
    return (solved.x > 0.5).reshape(hidden.shape)


def suppress_table(
    df: pd.DataFrame,
    count_columns: Iterable[str],
    total_row: object | None = None,
    total_column: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    derived: Mapping[str, Iterable[str]] | None = None,
    decimals: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """A table of display strings with primary and secondary suppression applied.

    ``count_columns`` hold counts of children (``total_column`` among them or not);
    ``total_row`` is the index label of a totals row. ``derived`` maps a column (a
    percentage, rate or mean) to the count columns it is computed from in the same row:
    it is ``[c]`` when any of them is. Other columns pass through unchanged.
    """
    columns = list(dict.fromkeys([*count_columns, *([total_column] if total_column else [])]))
    counts = df[columns]
    hidden = secondary_mask(
        counts,
        primary_mask(counts, threshold),
        rows_totalled=total_column is not None,
        columns_totalled=total_row is not None,
    )
    out = df.copy()
    for column in columns:
        shown = df[column].map(format_number).astype(object)
        out[column] = shown.where(~hidden[column], CONFIDENTIAL)
    for column, sources in (derived or {}).items():
        places = (decimals or {}).get(column, 1)
        shown = df[column].map(lambda v, p=places: format_number(v, p)).astype(object)
        out[column] = shown.where(~hidden[list(sources)].any(axis=1), CONFIDENTIAL)
    return out


def suppress_result(
    result: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    unit: str | None = None,
    totals_published: bool = True,
) -> pd.DataFrame:
    """An indicator result with ``numerator``, ``denominator`` and ``value`` as display strings.

    Counts of children (numerator and denominator of a %, the denominator of a mean, the
    numerator of a rate per 10,000) below the threshold are ``[c]``, and so is the value
    when either is. A %'s numerator is ``[c]`` too when its complement (denominator minus
    numerator, e.g. the children *not* reviewed in time) is 1 to ``threshold - 1`` and the
    denominator is shown (:func:`complement_mask`). With several groups on one date (a ``by`` split) whose overall figure
    is published (``totals_published``), secondary suppression runs down each date's
    groups. Rows with ``available`` False show ``[x]``. ``unit`` defaults to the result's
    ``unit`` column, then to ``result.attrs["unit"]`` (set by the indicator engine).
    """
    if unit is None and "unit" in result.columns and len(result):
        unit = str(result["unit"].iloc[0])
    unit = unit if unit is not None else result.attrs.get("unit")
    count_columns = child_count_columns(unit, result.columns)
    counts = result[count_columns]
    hidden = primary_mask(counts, threshold)
    if {"numerator", "denominator"} <= set(count_columns):
        hidden["numerator"] |= complement_mask(counts, threshold) & ~hidden["denominator"]
    dates = result["date"] if "date" in result.columns else pd.Series(0, index=result.index)
    if len(result) and not dates.is_unique:  # several groups on a date: balance each date
        hidden = pd.concat([
            secondary_mask(counts.loc[rows], hidden.loc[rows], rows_totalled=False,
                           columns_totalled=totals_published and len(rows) > 1)
            for rows in dates.groupby(dates, sort=False, dropna=False).groups.values()
        ]).reindex(result.index)
    any_hidden = hidden.to_numpy(dtype=bool).any(axis=1)
    missing = (~result["available"].fillna(True).astype(bool)).to_numpy(dtype=bool) if (
        "available" in result.columns) else np.zeros(len(result), dtype=bool)
    out = result.copy()
    for column in ("numerator", "denominator", "value"):
        if column not in result.columns:
            continue
        values = result[column].tolist()
        if column == "value":
            shown, masked = [format_value(v, unit) for v in values], any_hidden
        else:
            shown = [format_number(v, _places(v)) for v in values]
            masked = hidden[column].to_numpy(dtype=bool) if column in count_columns else any_hidden
        out[column] = np.where(missing, NOT_AVAILABLE, np.where(masked, CONFIDENTIAL, shown)).astype(object)
    return out


def complement_mask(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.Series:
    """True where a share's complement (``denominator - numerator``) is 1 to ``threshold - 1``:
    publishing 58 of 60 tells that 2 children are in the complementary category."""
    complement = counts[["denominator"]].sub(counts["numerator"], axis=0)
    return primary_mask(complement, threshold)["denominator"]


def _places(value: float | None) -> int:
    """0 decimals for whole numbers (counts, summed days, a population summed from
    fractions: 345,020.0000000001 is 345,020), else 1 (FTE)."""
    return 0 if value is None or pd.isna(value) or is_whole(value) else 1


def is_whole(value: float) -> bool:
    """True for a whole number, allowing for floating-point error in a sum."""
    return abs(float(value) - round(float(value))) < 1e-6


def child_count_columns(unit: str | None, columns: Iterable[str]) -> list[str]:
    """Which result columns count children, by unit (see :func:`suppress_result`)."""
    means = ("days", "score", "reviews")
    if (unit or "").startswith("%"):
        wanted = ["numerator", "denominator"]
    else:
        wanted = ["denominator"] if unit in means else ["value"] if unit == "count" else ["numerator"]
    return [c for c in wanted if c in set(columns)]
