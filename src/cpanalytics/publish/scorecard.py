"""The performance scorecard: every KPI with target, floor, RAG, direction of travel, the
value a year ago and the England comparator (indicators.md, "RAG rating"; reports.md §9).

RAG (seed scorecard rules): G target met; A below target but at or above the floor; R below
the floor; polarity L mirrored; T within ``tolerance`` of target is G, within
``floor_tolerance`` A. No RAG for activity counts, measures without a target, or a
denominator below 5. Values are compared as published (rounded to their display decimals),
so a colour never contradicts the printed figure.

Direction of travel compares with an earlier date by polarity (T: nearer the target): a month
earlier (``direction``, the monthly scorecard's rule) and a year earlier (``year_direction``,
what the annual report publishes beside the year-ago value, issue 15).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.publish import disclosure, tidy
from cpanalytics.publish import targets as config_module
from cpanalytics.publish.publication_audit import describe, measure_cells
from cpanalytics.publish.tables import CLASSES
from cpanalytics.publish.targets import Comparator, Config, period_label

if TYPE_CHECKING:
    from cpanalytics.measures.indicators.registry import Indicator

#: Below this denominator no RAG is given (seed scorecard guidance notes).
MIN_DENOMINATOR = 5

RAG_LABELS = {"G": "Green: target met", "A": "Amber: below target, at or above the floor",
              "R": "Red: below the floor"}
IMPROVING, DECLINING, NO_CHANGE = "improving", "declining", "no change"
#: A rating as published: its word, never colour alone (issue 15), and the class that
#: colours its cell in the report.
RAG_WORDS = {"G": "Green", "A": "Amber", "R": "Red"}
RAG_CLASSES = {"Green": "rag-green", "Amber": "rag-amber", "Red": "rag-red"}
#: The direction of travel as published, under "Change since <month>".
DIRECTION_WORDS = {IMPROVING: "Better", DECLINING: "Worse", NO_CHANGE: "Same"}
#: How each period code (indicators.md, "Period") is published.
PERIOD_WORDS = {"SS": "Snapshot", "R12M": "Rolling 12 months", "YTD": "Year to date",
                "FY": "Financial year", "3Y": "3 years"}
#: The earlier point a published scorecard compares with: card prefix and direction column.
COMPARED = {"year": ("year_ago_", "year_direction"), "month": ("previous_", "direction")}

ComputeFunction = Callable[..., pd.DataFrame]

def previous_month(as_at: str | pd.Timestamp) -> pd.Timestamp:
    """The same point a month earlier: the previous month-end when ``as_at`` is a month-end."""
    when = parse_date(as_at, "as_at")
    if when.is_month_end:
        return (when - pd.offsets.MonthEnd(1)).normalize()
    return when - pd.DateOffset(months=1)


def year_ago(as_at: str | pd.Timestamp) -> pd.Timestamp:
    """The same date a year earlier (29 February falls back to the 28th)."""
    when = parse_date(as_at, "as_at")
    back = when - pd.DateOffset(years=1)
    return (back + pd.offsets.MonthEnd(0)) if when.is_month_end else back


def build(
    data: object,
    as_at: str | pd.Timestamp,
    config: Config | None = None,
    compute: ComputeFunction | None = None,
    registry: Mapping[str, Indicator] | None = None,
    indicators: Iterable[str] | None = None,
    compute_at: ComputeFunction | None = None,
    comparator_year: int | None = None,
) -> pd.DataFrame:
    """Every KPI as at ``as_at`` with numerator, denominator, value, target, floor, RAG,
    the value a month ago with the direction of travel, the value a year ago, and England.

    ``compute(indicator_id, data, as_at=...)``, ``compute_at(indicator_id, data, dates)``
    and ``registry`` default to :mod:`cpanalytics.measures.indicators` (``compute_at`` takes the
    three dates in one call; without it, ``compute`` is called for each); ``config``
    defaults to :func:`cpanalytics.publish.targets.load` for the reporting year of ``as_at`` and the
    data's root. ``indicators`` defaults to the registry's KPIs (entries with ``kpi``, in
    the order of :func:`~cpanalytics.measures.indicators.registry.scorecard_ids`).
    England is the latest figure for ``comparator_year`` or before (default: the reporting
    year; the pack's, those published by its date: ``targets.published_year``).
    """
    from cpanalytics.measures.indicators.registry import scorecard_ids

    if compute is None or registry is None:
        from cpanalytics.measures import indicators as engine

        compute_at = compute_at if compute else engine.compute_at
        compute = compute or engine.compute
        registry = registry or engine.REGISTRY
    as_at = parse_date(as_at, "as_at")
    year = config_module.reporting_year(as_at)
    if config is None:
        local = getattr(data, "local", {}).get("comparators")
        config = config_module.load(getattr(data, "config_roots", None), year,
                                    local_comparators=local)
    ids = list(indicators) if indicators is not None else scorecard_ids(registry)
    dates = {"": as_at, "previous_": previous_month(as_at), "year_ago_": year_ago(as_at)}
    rows = []
    for ind_id in ids:
        ind = registry[ind_id]
        target = config.target(ind_id)
        england = config.comparator(ind_id, "England", comparator_year or year)
        row: dict[str, object] = {
            "indicator": ind_id, "title": ind.title, "polarity": ind.polarity,
            "period": ind.period, "kind": ind.kind, "unit": ind.unit, "date": as_at,
            "target": target.target, "floor": target.floor, "tolerance": target.tolerance,
            "floor_tolerance": target.floor_tolerance,
            "england": england[0] if england else np.nan,
            "england_year": england[1] if england else pd.NA,
        }
        for prefix, result in _results(ind_id, data, dates, compute, compute_at).items():
            row.update(_headline(result, prefix))
        rows.append(row)
    card = pd.DataFrame(rows)
    if card.empty:
        return card
    card["england_year"] = card["england_year"].astype("Int64")
    card["rag"] = rag(card)
    card["previous_rag"] = rag(card, prefix="previous_")
    card["year_ago_rag"] = rag(card, prefix="year_ago_")
    card["direction"] = direction(card)
    card["year_direction"] = direction(card, "year_ago_")
    return card


def _results(
    ind_id: str,
    data: object,
    dates: dict[str, pd.Timestamp],
    compute: ComputeFunction,
    compute_at: ComputeFunction | None,
) -> dict[str, pd.DataFrame]:
    """The overall result at each of the three dates (one ``compute_at`` call when given)."""
    if compute_at is None:
        return {prefix: compute(ind_id, data, as_at=when) for prefix, when in dates.items()}
    together = compute_at(ind_id, data, list(dates.values()))
    on = pd.to_datetime(together["date"])
    return {prefix: together[on == when] for prefix, when in dates.items()}


def _headline(result: pd.DataFrame, prefix: str) -> dict[str, object]:
    """The overall (ungrouped) numerator, denominator, value and availability of a result."""
    if result.empty:
        return {f"{prefix}numerator": np.nan, f"{prefix}denominator": np.nan,
                f"{prefix}value": np.nan, f"{prefix}available": False}
    first = result.iloc[0]
    out = {f"{prefix}{c}": first.get(c, np.nan) for c in ("numerator", "denominator", "value")}
    out[f"{prefix}available"] = bool(first.get("available", True))
    if not prefix:
        note = first.get("note", "")
        out["note"] = "" if pd.isna(note) else str(note)
    return out


def _published(values: pd.Series, units: pd.Series) -> pd.Series:
    """Values rounded to the decimals they are published with (by unit)."""
    decimals = units.map(lambda u: disclosure.UNIT_DECIMALS.get(u, 1))
    rounded = [round(v, d) if pd.notna(v) else np.nan for v, d in zip(values, decimals, strict=True)]
    return pd.Series(rounded, index=values.index, dtype="float64")


def rag(card: pd.DataFrame, prefix: str = "") -> pd.Series:
    """G/A/R for each row (see the module docstring), missing where no RAG applies."""
    value = _published(card[f"{prefix}value"].astype("float64"), card["unit"])
    target = card["target"].astype("float64")
    floor = card["floor"].astype("float64")
    denominator = card[f"{prefix}denominator"].astype("float64")
    polarity = card["polarity"]
    tolerance = card["tolerance"].astype("float64").fillna(0.05 * target.abs())
    floor_tolerance = card["floor_tolerance"].astype("float64").fillna(2 * tolerance)
    gap = (value - target).abs()
    high, low, close = polarity.eq("H"), polarity.eq("L"), polarity.eq("T")
    green = (high & (value >= target)) | (low & (value <= target)) | (close & (gap <= tolerance))
    amber = (
        (high & (floor.isna() | (value >= floor)))
        | (low & (floor.isna() | (value <= floor)))
        | (close & (gap <= floor_tolerance))
    )
    rated = (
        polarity.isin(["H", "L", "T"]) & card["kind"].ne("count") & target.notna()
        & value.notna() & ~(denominator < MIN_DENOMINATOR)
    )
    colour = np.select([green, amber], ["G", "A"], "R")
    return pd.Series(colour, index=card.index, dtype="str").where(rated)


def direction(card: pd.DataFrame, prefix: str = "previous_") -> pd.Series:
    """Direction of travel against the value at ``prefix`` (the previous month, or
    ``year_ago_``), by polarity (T: nearer the target)."""
    now = _published(card["value"].astype("float64"), card["unit"])
    before = _published(card[f"{prefix}value"].astype("float64"), card["unit"])
    target = card["target"].astype("float64")
    polarity = card["polarity"]
    change = np.select(
        [polarity.eq("H"), polarity.eq("L"), polarity.eq("T")],
        [now - before, before - now, (before - target).abs() - (now - target).abs()],
        np.nan,
    )
    labels = np.select([change > 0, change < 0, change == 0], [IMPROVING, DECLINING, NO_CHANGE],
                       "")
    return pd.Series(labels, index=card.index, dtype="str").where(
        polarity.isin(["H", "L", "T"]) & now.notna() & before.notna()
    )


def compared_date(as_at: str | pd.Timestamp, since: str = "year") -> pd.Timestamp:
    """The date a published scorecard compares with: a ``year`` or a ``month`` earlier."""
    return year_ago(as_at) if since == "year" else previous_month(as_at)


def published_ratings(
    card: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD, since: str = "year"
) -> pd.DataFrame:
    """The RAG now (``rag``), at the compared date (``earlier_rag``) and the direction of
    travel between them, as published: each is missing beside a value shown as ``[c]`` (a G
    against 95% of 60 would leave at most 3 children)."""
    prefix, column = COMPARED[since]
    hidden = _confidential(card, "", threshold)
    hidden_before = _confidential(card, prefix, threshold)
    return pd.DataFrame({"rag": card["rag"].where(~hidden),
                         "earlier_rag": card[f"{prefix}rag"].where(~hidden_before),
                         "direction": card[column].where(~(hidden | hidden_before))},
                        index=card.index)


def summary(card: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD) -> pd.Series:
    """How many KPIs are published as G, A and R, and how many have no RAG."""
    rated = published_ratings(card, threshold)["rag"]
    counts = rated.value_counts()
    return pd.Series(
        {"G": int(counts.get("G", 0)), "A": int(counts.get("A", 0)),
         "R": int(counts.get("R", 0)), "not rated": int(rated.isna().sum())},
        dtype="int64",
    )


def rag_changes(
    card: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD, since: str = "year"
) -> pd.DataFrame:
    """The KPIs whose published RAG differs from the compared date's: ``indicator``,
    ``measure``, ``was`` and ``now`` (``Amber``, ``Red``), in scorecard order."""
    ratings = published_ratings(card, threshold, since)
    changed = (ratings["rag"].notna() & ratings["earlier_rag"].notna()
               & ratings["rag"].ne(ratings["earlier_rag"]))
    return pd.DataFrame({"indicator": card["indicator"], "measure": card["title"],
                         "was": ratings["earlier_rag"].map(RAG_WORDS),
                         "now": ratings["rag"].map(RAG_WORDS)})[changed].reset_index(drop=True)


def publish(
    card: pd.DataFrame, threshold: int = disclosure.DEFAULT_THRESHOLD, *, since: str = "year"
) -> pd.DataFrame:
    """The scorecard as published: display strings, small numbers suppressed (``[c]``),
    values formatted by unit (`` days`` after days), targets and England as set (``85%``),
    ``[x]`` where a measure is not available, ``[z]`` for no target, RAG as its word.

    The value at the compared date (``since``: a ``year`` or a ``month`` earlier) and the
    direction of travel are headed by that month (``March 2024``, ``Change since March
    2024``); England is headed by the year of most of its figures (``England 2023/24``),
    any other year shown in the cell with a note when more than two years older than the
    card (``2016/17: 593 days (latest available; 8 years older than this report)``)."""
    prefix, _ = COMPARED[since]
    earlier = f"{compared_date(card['date'].iloc[0], since):%B %Y}"
    ratings = published_ratings(card, threshold, since)
    latest = _suppressed(card, "", threshold)
    out = pd.DataFrame({
        "Indicator": card["indicator"], "Measure": card["title"],
        "Polarity": card["polarity"].fillna(disclosure.NOT_APPLICABLE),
        "Period": card["period"].map(PERIOD_WORDS).fillna(card["period"]),
        "Value": _with_unit(latest["value"], card["unit"]),
        "Numerator": latest["numerator"], "Denominator": latest["denominator"],
        "Target": _with_unit([disclosure.format_reference(t, u) if pd.notna(t)
                              else disclosure.NOT_APPLICABLE
                              for t, u in zip(card["target"], card["unit"], strict=True)],
                             card["unit"]),
        "RAG": ratings["rag"].map(RAG_WORDS).fillna(""),
        earlier: _with_unit(_suppressed(card, prefix, threshold)["value"], card["unit"]),
        f"Change since {earlier}": ratings["direction"].map(DIRECTION_WORDS).fillna(""),
    }, index=card.index)
    heading, england = _england(card)
    out[heading] = england
    out = out.reset_index(drop=True)
    out.attrs[CLASSES] = {"RAG": RAG_CLASSES}
    tidy.declare(out, _figures(card, prefix, earlier, heading))
    return describe(out, _cells(card, prefix, earlier), suppressible=False)


def _with_unit(texts: Iterable[object], units: Iterable[object]) -> list[str]:
    """The display strings, `` days`` after each number of a measure in days."""
    return [f"{t} days" if u == "days" and not str(t).startswith("[") else str(t)
            for t, u in zip(texts, units, strict=True)]


def _england(card: pd.DataFrame) -> tuple[str, list[str]]:
    """England's column: headed by the year most of its figures are for (the latest on a
    tie), a figure of another year or an old one with its year and age note in the cell."""
    years = card["england_year"].dropna().astype(int)
    common = int(years.mode().max()) if len(years) else None
    heading = f"England {period_label(common)}" if common is not None else "England"
    cells = []
    for value, year, unit, day in zip(card["england"], card["england_year"], card["unit"],
                                      card["date"], strict=True):
        if pd.isna(value):
            cells.append(disclosure.NOT_AVAILABLE)
            continue
        shown = _with_unit([disclosure.format_reference(value, unit)], [unit])[0]
        comparator = Comparator(value, int(year), config_module.reporting_year(day))
        plain = int(year) == common and not comparator.age_note
        cells.append(shown if plain else comparator.describe(shown, area=False))
    return heading, cells


def _cells(card: pd.DataFrame, prefix: str, earlier: str) -> list[dict[str, object]]:
    """The published counts of children, for the disclosure audit (``publication_audit``):
    now, and at the compared date (``prefix``) in column ``earlier``."""
    shown = {"": {"numerator": "Numerator", "denominator": "Denominator", "value": "Value"},
             prefix: {"value": earlier}}
    when = {"": lambda d: d, "previous_": previous_month, "year_ago_": year_ago}
    return [
        cell for i, (_, row) in enumerate(card.iterrows()) for part, columns in shown.items()
        for cell in measure_cells(i, row["indicator"], when[part](row["date"]), row["unit"],
                                  {p: row[f"{part}{p}"] for p in ("numerator", "denominator", "value")},
                                  columns)
    ]


def _figures(card: pd.DataFrame, prefix: str, earlier: str, england: str) -> list[dict[str, object]]:
    """The published scorecard's tidy cells (``cpanalytics.publish.tidy``): value, numerator,
    denominator, the value at the compared date (``prefix``) in column ``earlier``, target,
    floor (a column the pack's scorecard adds) and England (in column ``england``)."""
    when = {"": lambda d: d, "previous_": previous_month, "year_ago_": year_ago}[prefix]
    shown = {"numerator": "Numerator", "denominator": "Denominator", "value": "Value"}
    cells: list[dict[str, object]] = []
    for i, (_, row) in enumerate(card.iterrows()):
        ind, day, unit = str(row["indicator"]), row["date"], str(row["unit"])
        cells += tidy.result_cells(i, ind, day, unit, row, shown)
        cells += tidy.result_cells(i, ind, when(day), unit, {"value": row[f"{prefix}value"]},
                                   {"value": earlier})
        cells += [tidy.cell(i, column, ind, day, column.lower(), row[column.lower()], unit)
                  for column in ("Target", "Floor") if pd.notna(row[column.lower()])]
        if pd.notna(row["england"]):
            year_end = pd.Timestamp(year=int(row["england_year"]), month=3, day=31)
            cells.append(tidy.cell(i, england, ind, year_end, "England", row["england"], unit))
    return cells


def _confidential(card: pd.DataFrame, prefix: str, threshold: int) -> pd.Series:
    """True where the value at ``prefix`` is published as ``[c]``."""
    return _suppressed(card, prefix, threshold)["value"].astype(str).eq(disclosure.CONFIDENTIAL)


def published_values(
    card: pd.DataFrame, prefix: str = "", threshold: int = disclosure.DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """``numerator``, ``denominator`` and ``value`` at ``prefix`` as published (display
    strings, ``[c]`` where small numbers hide them), in the card's order."""
    return _suppressed(card, prefix, threshold)[["numerator", "denominator", "value"]]


def _suppressed(card: pd.DataFrame, prefix: str, threshold: int) -> pd.DataFrame:
    """Suppressed display strings of one of the three time points, row by row (own unit)."""
    cols = {f"{prefix}{c}": c for c in ("numerator", "denominator", "value", "available")}
    frame = card[list(cols)].rename(columns=cols)
    parts = [
        # group keys of the "unit" column: strings
        disclosure.suppress_result(frame.loc[rows], threshold, unit=cast(str, unit),
                                   totals_published=False)
        for unit, rows in card.groupby("unit", sort=False).groups.items()
    ]
    return pd.concat(parts).loc[card.index]
