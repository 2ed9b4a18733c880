"""Selecting unit rows by date (indicators.md, "Period"): events falling in the window
ending on each period end (R12M, FY, YTD, 3Y), and children in care on each date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from cpanalytics.measures.derive import interval_arrays, rows_open_on
from cpanalytics.measures.indicators.engine import Context, window_start

T = TypeVar("T")


def events_in_window(
    events: pd.DataFrame, column: str, dates: pd.DatetimeIndex, period: str
) -> pd.DataFrame:
    """Rows of ``events`` whose ``column`` date falls in each window (start to date inclusive).

    Returns the matching rows once per date, with a ``date`` column. Each window is a
    binary-search slice of the events sorted by ``column`` (pass them sorted, without
    blanks, to skip that step), so the cost follows the rows returned.
    """
    ev = events
    if ev[column].isna().any():
        ev = ev.dropna(subset=[column])
    if not ev[column].is_monotonic_increasing:
        ev = ev.sort_values(column, kind="stable")
    when = ev[column].to_numpy().astype("datetime64[us]")
    dates = pd.DatetimeIndex(dates)
    starts = window_start(dates, period).to_numpy().astype("datetime64[us]")
    lo = np.searchsorted(when, starts, side="left")
    hi = np.searchsorted(when, dates.to_numpy().astype("datetime64[us]"), side="right")
    sizes = np.maximum(hi - lo, 0)
    spans = [np.arange(a, b) for a, b in zip(lo, hi, strict=True)]
    rows = np.concatenate(spans or [np.zeros(0, int)])
    out = ev.iloc[rows].reset_index(drop=True)
    out["date"] = np.repeat(dates.to_numpy().astype("datetime64[us]"), sizes)
    return out


def cached(ctx: Context, key: str, build: Callable[[], T]) -> T:
    """``build()`` computed once per loaded data set and kept in ``ctx.data.cache[key]``."""
    if key not in ctx.data.cache:
        ctx.data.cache[key] = build()
    return ctx.data.cache[key]  # type: ignore[return-value]


def in_care_periods(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date, one row per (date, period of care): ``date``, ``CHILD``,
    ``period_id``, ``period_start``, ``DOB``, ``child_no`` (row of the child in
    ``derived.children``, -1 if absent). Same rule as ``derive.in_care_on``
    (``derive.rows_open_on``), on the periods table, smaller than episodes."""

    def arrays() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        per = ctx.derived.periods
        kids = ctx.derived.children
        child_no = pd.Index(kids["CHILD"]).get_indexer(per["CHILD"])
        table = pd.DataFrame({"CHILD": per["CHILD"], "period_id": per["period_id"],
                              "period_start": per["start"].astype("datetime64[us]"),
                              "DOB": kids["DOB"].to_numpy()[child_no].astype("datetime64[us]"),
                              "child_no": child_no})
        table.loc[child_no < 0, "DOB"] = pd.NaT
        return table, *interval_arrays(per["start"], per["end"])

    table, start, end = cached(ctx, "windows.periods", arrays)
    rows, when = rows_open_on(start, end, dates)
    out = table.iloc[rows].reset_index(drop=True)
    out.insert(0, "date", when)
    return out
