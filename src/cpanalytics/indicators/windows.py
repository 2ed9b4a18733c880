"""Selecting unit rows by date (indicators.md, "Period"): events falling in the window
ending on each period end (R12M, FY, YTD, 3Y), and children in care on each date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from cpanalytics.derive import in_care_on
from cpanalytics.indicators.engine import Context, window_start

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
    rows = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)] or [np.zeros(0, int)])
    out = ev.iloc[rows].reset_index(drop=True)
    out["date"] = np.repeat(dates.to_numpy().astype("datetime64[us]"), sizes)
    return out


def in_care_with(ctx: Context, dates: pd.DatetimeIndex, columns: list[str]) -> pd.DataFrame:
    """Children in care on each date (``derive.in_care_on``): ``date``, ``CHILD`` and only the
    episode columns named, so the per-date copies stay small."""
    keep = list(dict.fromkeys(["CHILD", "DECOM", "DEC", *columns]))
    return in_care_on(ctx.derived.episodes[keep], dates)[["date", "CHILD", *columns]]


def cached(ctx: Context, key: str, build: Callable[[], T]) -> T:
    """``build()`` computed once per loaded data set and kept in ``ctx.data.cache[key]``."""
    if key not in ctx.data.cache:
        ctx.data.cache[key] = build()
    return ctx.data.cache[key]  # type: ignore[return-value]


def in_care_periods(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date, one row per (date, period of care): ``date``, ``CHILD``,
    ``period_id``, ``period_start``. Same rule as ``derive.in_care_on`` (start on or before
    the date, end blank or after it), on the periods table, which is smaller than episodes."""

    def arrays() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        per = ctx.derived.periods
        table = pd.DataFrame({"CHILD": per["CHILD"], "period_id": per["period_id"],
                              "period_start": per["start"].astype("datetime64[us]")})
        start = table["period_start"].to_numpy()
        end = per["end"].to_numpy().astype("datetime64[us]")
        end = np.where(np.isnat(end), np.datetime64("9999-12-31", "us"), end)
        return table, start, end

    table, start, end = cached(ctx, "windows.periods", arrays)
    days = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[us]")
    hits = [np.flatnonzero((start <= d) & (end > d)) for d in days]
    out = table.iloc[np.concatenate(hits or [np.zeros(0, int)])].reset_index(drop=True)
    out.insert(0, "date", np.repeat(days, [len(h) for h in hits]))
    return out
