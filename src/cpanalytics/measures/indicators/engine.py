"""Computing registered indicators as at any date, or as a series of period ends, by any
breakdown. Shared intermediate tables come from :func:`cpanalytics.measures.derive.derived` and are
built once per data set; dates are processed in chunks so memory follows the data, not the
number of dates.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from cpanalytics.data.dates import check_order, parse_date
from cpanalytics.data.model import CareData
from cpanalytics.errors import UserError
from cpanalytics.measures import breakdowns
from cpanalytics.measures.derive import Derived, derived
from cpanalytics.measures.indicators.registry import Indicator, lookup

#: How many period ends are expanded to unit rows at once.
DATE_CHUNK = 12

_FREQ = {"M": "ME", "ME": "ME", "Q": "QE-MAR", "QE": "QE-MAR", "Y": "YE-MAR", "A": "YE-MAR",
         "YE": "YE-MAR"}


#: Seconds this process has spent in :func:`compute` and :func:`series` (outermost calls).
_CLOCK = {"seconds": 0.0, "depth": 0}


def seconds_computing() -> float:
    """Seconds this process has spent computing indicators so far: the build reads it in
    each notebook's kernel to report the time the notebooks spent on indicators."""
    return _CLOCK["seconds"]


@contextmanager
def _clocked() -> Iterator[None]:
    _CLOCK["depth"] += 1
    start = time.perf_counter()
    try:
        yield
    finally:
        _CLOCK["depth"] -= 1
        if _CLOCK["depth"] == 0:
            _CLOCK["seconds"] += time.perf_counter() - start


@dataclass(frozen=True)
class Context:
    """What an indicator function receives: the loaded data and its shared tables."""

    data: CareData
    derived: Derived

    def local(self, name: str) -> pd.DataFrame:
        """A local extract (present: the engine checks ``needs`` before calling)."""
        return self.data.local[name]


def context(data: CareData) -> Context:
    """The computing context for ``data`` (shared tables built once and cached)."""
    return Context(data=data, derived=derived(data))


def window_start(dates: pd.DatetimeIndex | pd.Series, period: str) -> pd.Series:
    """First day of the measurement window ending on each date (indicators.md, "Period").

    SS: the date itself. R12M: 12 months back plus one day. YTD and FY: 1 April of the
    financial year containing the date (so FY on 31 March is the whole year). 3Y: three
    years back plus one day.

    Args:
        dates: the window ends.
        period: an indicator's ``period``: ``SS``, ``R12M``, ``YTD``, ``FY`` or ``3Y``.

    Returns:
        The first day of each window, in the order of ``dates``.

    Examples:
        >>> window_start(pd.DatetimeIndex(["2019-03-31"]), "R12M")[0]
        Timestamp('2018-04-01 00:00:00')
    """
    d = pd.Series(pd.to_datetime(dates))
    if period == "SS":
        return d
    if period == "R12M":
        return d - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    if period == "3Y":
        return d - pd.DateOffset(years=3) + pd.Timedelta(days=1)
    if period in ("YTD", "FY"):
        fy_year = d.dt.year - (d.dt.month < 4).astype(int)
        return pd.to_datetime(pd.DataFrame({"year": fy_year, "month": 4, "day": 1}))
    raise ValueError(f"unknown period {period!r}")


def period_ends(start: str | pd.Timestamp, end: str | pd.Timestamp, freq: str = "M") -> pd.DatetimeIndex:
    """Period-end dates from ``start`` to ``end``: month-ends (M), quarter-ends (Q, the
    financial year's: June, September, December, March) or 31 March (Y).

    Args:
        start: the first day, ISO ``2018-04-01`` or UK ``01/04/2018``.
        end: the last day.
        freq: ``M``, ``Q`` or ``Y``.

    Returns:
        The period ends on or after ``start`` and on or before ``end``.

    Raises:
        UserError: E303 for another ``freq``, E304 for a date not read, E308 when
            ``start`` is after ``end``.

    Examples:
        >>> period_ends("2018-04-01", "2019-03-31", freq="Q")
        DatetimeIndex(['2018-06-30', '2018-09-30', '2018-12-31', '2019-03-31'], ...)
    """
    if freq not in _FREQ:
        raise UserError(f"unknown frequency {freq!r}", fix="use M, Q or Y", code="E303")
    first, last = parse_date(start, "start"), parse_date(end, "end")
    check_order(first, last, "start", "end")
    return pd.date_range(first, last, freq=_FREQ[freq])


def compute(
    indicator_id: str, data: CareData, as_at: str | pd.Timestamp, by: str | None = None
) -> pd.DataFrame:
    """One indicator as at a date, by any breakdown: the definition is the indicator's
    registry entry (``catalogue()``, ``docs/indicators.md``, ``cpanalytics explain ID``).

    Args:
        indicator_id: the id, e.g. ``"PS-01"`` (a mistyped one is refused, E302, naming
            the nearest).
        data: the loaded data (``cpanalytics.load_data``).
        as_at: the date, ISO ``2019-03-31`` or UK ``31/03/2019`` (never month first).
        by: a breakdown (``uasc``, ``sex``, ``age_band``, ``ethnicity_group``,
            ``legal_status``, ``placement_type``, ``provider``, ``district``, ``area``,
            ``nationality``, ``disability``), or None for the whole.

    Returns:
        One row per group: ``indicator``, ``date``, the ``by`` column, ``numerator``,
            ``denominator``, ``value`` (a percentage, mean, count or rate per 10,000: the
            indicator's ``unit``), ``available``; table measures give one row per
            category with ``count``. Unsuppressed: suppress before publishing. When an
            optional local extract it needs is missing, one row with ``available`` False
            and a ``note``.

    Examples:
        >>> compute("HE-02", data, as_at="2019-03-31", by="uasc")  # IHA timeliness, UASC or not
        >>> compute("CIC-01", data, "31/03/2019")["value"].iloc[0]  # children in care
    """
    with _clocked():
        return _evaluate(lookup(indicator_id), context(data), pd.DatetimeIndex([parse_date(as_at, "as_at")]), by)


def compute_at(
    indicator_id: str, data: CareData, dates: Iterable[str | pd.Timestamp], by: str | None = None
) -> pd.DataFrame:
    """One indicator as at each of any ``dates`` in one pass (faster than one ``compute``
    per date): as :func:`compute`, one row per date and group.

    Args:
        indicator_id: the id, e.g. ``"CIC-01"``.
        data: the loaded data.
        dates: the dates, ISO or UK day first, in any order (each is computed once).
        by: a breakdown, or None.

    Returns:
        The rows of :func:`compute` for every date, in date order.

    Examples:
        >>> compute_at("CIC-01", data, ["2018-03-31", "2018-09-30", "2019-03-31"])
    """
    with _clocked():
        when = pd.DatetimeIndex(sorted({parse_date(d, "dates") for d in dates}))
        return _evaluate(lookup(indicator_id), context(data), when, by)


def series(
    indicator_id: str,
    data: CareData,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    freq: str = "M",
    by: str | None = None,
) -> pd.DataFrame:
    """One indicator at each period end from ``start`` to ``end`` (:func:`period_ends`),
    each as :func:`compute` gives it: one row per date and group.

    Args:
        indicator_id: the id, e.g. ``"PS-01"``.
        data: the loaded data.
        start: the first day, ISO or UK day first.
        end: the last day.
        freq: month ends (``M``), quarter ends (``Q``) or 31 March (``Y``).
        by: a breakdown, or None.

    Returns:
        The rows of :func:`compute` for each period end.

    Examples:
        >>> series("PS-01", data, "2018-04-30", "2019-03-31", by="district")  # monthly
        >>> series("AD-01", data, "2015-03-31", "2019-03-31", freq="Y")  # each 31 March
    """
    with _clocked():
        return _evaluate(lookup(indicator_id), context(data), period_ends(start, end, freq), by)


def _evaluate(ind: Indicator, ctx: Context, dates: pd.DatetimeIndex, by: str | None) -> pd.DataFrame:
    breakdowns.check_breakdown(by)
    missing = [name for name in ind.needs if not ctx.data.has(name)]
    if missing:
        return _not_available(ind, dates, missing)
    chunks = [dates[i:i + DATE_CHUNK] for i in range(0, len(dates), DATE_CHUNK)]
    out = pd.concat([_aggregate(ind, ctx, chunk, by) for chunk in chunks], ignore_index=True)
    out.insert(0, "indicator", ind.id)
    out["available"] = True
    out.attrs.update(indicator=ind.id, title=ind.title, unit=ind.unit, available=True)
    return out


def _not_available(ind: Indicator, dates: pd.DatetimeIndex, missing: list[str]) -> pd.DataFrame:
    note = "Not available: needs " + ", ".join(f"local/{m}.csv" for m in missing)
    out = pd.DataFrame({
        "indicator": ind.id, "date": dates, "numerator": np.nan, "denominator": np.nan,
        "value": np.nan, "available": False, "note": note,
    })
    out.attrs.update(indicator=ind.id, title=ind.title, unit=ind.unit, available=False, note=note)
    return out


def _aggregate(ind: Indicator, ctx: Context, dates: pd.DatetimeIndex, by: str | None) -> pd.DataFrame:
    units = ind.func(ctx, dates)
    if by is not None:
        units = breakdowns.attach(units, by, ctx.derived)
    group = ["date"] + ([by] if by else [])
    if ind.kind == "table":
        return _aggregate_table(ind, units, group)
    if "numerator" not in units:
        units = units.assign(numerator=1)
    if "denominator" not in units:
        units = units.assign(denominator=1)
    agg = (
        units.groupby(group, observed=True, dropna=False)[["numerator", "denominator"]]
        .sum()
        .reset_index()
    )
    if by is None:
        agg = agg.set_index("date").reindex(dates, fill_value=0).rename_axis("date").reset_index()
    num = agg["numerator"].astype("float")
    den = agg["denominator"].astype("float")
    with np.errstate(divide="ignore", invalid="ignore"):
        if ind.kind == "rate":
            value = 100 * num / den
        elif ind.kind == "mean":
            value = num / den
        elif ind.kind == "per_10000":
            value = 10000 * num / den
        else:
            value = num
            agg["denominator"] = np.nan
    agg["value"] = value.where(den > 0) if ind.kind != "count" else value
    if "provisional" in units:  # e.g. AD-07a in the last 12 months of the data
        flagged = units.groupby(group, observed=True, dropna=False)["provisional"].any()
        # Index.map takes a Series as the mapping; pandas-stubs only a Mapping or callable
        agg["provisional"] = (agg.set_index(group).index.map(cast("Mapping[Any, bool]", flagged))
                              .fillna(False)
                              .to_numpy(dtype=bool))
    return agg


def _aggregate_table(ind: Indicator, units: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    keys = list(dict.fromkeys(group + list(ind.categories)))  # by may be a category too
    if "count" not in units:
        units = units.assign(count=1)
    agg = units.groupby(keys, observed=True, dropna=False)["count"].sum().reset_index()
    agg = agg[agg["count"] > 0]
    total = agg.groupby(group, observed=True, dropna=False)["count"].transform("sum")
    agg["numerator"] = agg["count"]
    agg["denominator"] = total
    agg["value"] = 100 * agg["count"] / total
    return agg.reset_index(drop=True)
