"""Looked-after reviews within periods of care and their due-date chains
(indicators.md, "IR-01 definition").

Within a period of care the first review is due 20 working days after the start, the
second 3 calendar months after the first was held, each later one 6 calendar months after
the previous was held (a date missing in a short month falls on the month's last day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.measures.derive import KEY_SPAN, day_numbers, latest_on_or_before
from cpanalytics.measures.workdays import add_working_days

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def reviews_in_care(periods: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Reviews held within a period of care (short breaks excluded), one row per child and date.

    Columns: ``CHILD``, ``REVIEW``, ``REVIEW_CODE`` (stripped text), ``period_id``.
    A review belongs to the period whose start is on or before it and whose end (if any)
    is on or after it; reviews outside every period are dropped.
    """
    rv = pd.DataFrame({
        "CHILD": reviews["CHILD"].astype("str").str.strip(),
        "REVIEW": pd.to_datetime(reviews["REVIEW"]).astype("datetime64[us]"),
        "REVIEW_CODE": reviews["REVIEW_CODE"].astype("str").str.strip().str.upper(),
    }).dropna(subset=["CHILD", "REVIEW"])
    rv = rv.drop_duplicates(["CHILD", "REVIEW"], keep="last").sort_values("REVIEW", kind="stable")
    per = periods[["period_id", "CHILD", "start", "end"]].assign(
        start=periods["start"].astype("datetime64[us]"), end=periods["end"].astype("datetime64[us]")
    ).dropna(subset=["start"]).sort_values("start", kind="stable")
    both = pd.merge_asof(rv, per, left_on="REVIEW", right_on="start", by="CHILD",
                         direction="backward")
    inside = both["period_id"].notna() & (both["end"].isna() | (both["REVIEW"] <= both["end"]))
    out = both.loc[inside.to_numpy(dtype=bool), ["CHILD", "REVIEW", "REVIEW_CODE", "period_id"]]
    return out.astype({"period_id": "int64"}).reset_index(drop=True)


def review_chain(
    periods: pd.DataFrame, held: pd.DataFrame, coverage_start: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Each held review with its due date and the next due date it sets (IR-01 chain).

    ``periods`` is ``derive.periods_of_care``; ``held`` is :func:`reviews_in_care`. Returns
    one row per review, sorted by period and date: ``period_id``, ``CHILD``, ``k`` (1 =
    first review of the period), ``held``, ``due``, ``late`` (held after due),
    ``late_so_far`` (any review 1..k late) and ``next_due`` (when review k+1 falls due).
    When the first review fell due before ``coverage_start`` (the first day the review data
    cover), or the period began before the data (``start_known`` False), the earlier reviews
    are unknown: the first review seen is not judged (``due`` blank) and counts as a later one.
    """
    first_due = first_review_due(periods)
    ch = held.sort_values(["period_id", "REVIEW"], kind="stable").rename(columns={"REVIEW": "held"})
    ch = ch[["period_id", "CHILD", "held"]].reset_index(drop=True)
    ch["k"] = ch.groupby("period_id", sort=False).cumcount() + 1
    due_first = ch["period_id"].map(first_due).astype("datetime64[us]")
    # Earlier reviews are unknown when the first review fell due before the data begin, or
    # when the period began before the data (start_known False): its true start is earlier.
    known = ch["period_id"].map(periods.set_index("period_id")["start_known"])
    unseen = _before(due_first, coverage_start) | ~_flags(known).to_numpy()
    after_first = ch["held"] + pd.DateOffset(months=SECOND_REVIEW_MONTHS)
    after_later = ch["held"] + pd.DateOffset(months=LATER_REVIEW_MONTHS)
    first_seen = ch["k"].eq(1).to_numpy(dtype=bool) & ~unseen
    ch["next_due"] = after_first.where(first_seen, after_later).astype("datetime64[us]")
    previous_next = ch.groupby("period_id", sort=False)["next_due"].shift()
    ch["due"] = previous_next.where(ch["k"].gt(1), due_first.where(~unseen))
    ch["due"] = ch["due"].astype("datetime64[us]")
    ch["late"] = (ch["held"] > ch["due"]).to_numpy(dtype=bool)
    ch["late_so_far"] = ch.groupby("period_id", sort=False)["late"].cummax().astype(bool)
    return ch


def first_review_due(periods: pd.DataFrame) -> pd.Series:
    """First review due date per period (20 working days after the start), indexed by period_id.

    When the data begin part-way through a period (``start_known`` False in
    ``derive.periods_of_care``), the reviews before are unknown: the next is taken as due 6
    months after its first loaded episode.
    """
    due = add_working_days(periods["start"], FIRST_REVIEW_WORKING_DAYS)
    known = _flags(periods["start_known"]).to_numpy()
    later = (periods["start"] + pd.DateOffset(months=LATER_REVIEW_MONTHS)).astype(due.dtype)
    due = due.where(known, later.to_numpy())
    return pd.Series(due.to_numpy(), index=periods["period_id"].to_numpy())


def _flags(series: pd.Series) -> pd.Series:
    return pd.Series(series.to_numpy(dtype=bool, na_value=False), index=series.index)


def _before(dates: pd.Series, coverage_start: pd.Timestamp | None) -> np.ndarray:
    if coverage_start is None:
        return np.zeros(len(dates), dtype=bool)
    return (dates < coverage_start).to_numpy(dtype=bool, na_value=False)


def timeliness_on(
    units: pd.DataFrame, chain: pd.DataFrame, first_due: pd.Series,
    coverage_start: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """For unit rows (``date``, ``period_id``): ``reviews_due`` and ``in_time`` as at ``date``,
    with ``last_review`` (the period's latest review held by the date, NaT if none) and
    ``next_review_due`` (when the next review falls due after it).

    ``chain`` is :func:`review_chain`; ``first_due`` is :func:`first_review_due`.

    ``reviews_due``: at least one review fell due on or before the date (the first review's
    due date has passed). ``in_time``: every review that fell due by the date was held on
    or before its due date, i.e. no held review was late and the next review after the
    last one held by the date is not yet overdue. A period whose first review fell due
    before ``coverage_start`` with no review seen since is next due 6 months after it.
    """
    pid = units["period_id"].to_numpy(dtype="int64")
    day = day_numbers(units["date"])
    keys = chain["period_id"].to_numpy(dtype="int64") * KEY_SPAN + day_numbers(chain["held"])
    idx = latest_on_or_before(keys, pid, day)  # the period's last review held by the date
    found, safe = idx >= 0, np.clip(idx, 0, None)
    due_first = pd.Series(first_due.reindex(pid).to_numpy()).astype("datetime64[us]")
    first = day_numbers(due_first)
    next_due = first.copy()
    if coverage_start is not None:
        unseen_due = coverage_start + pd.DateOffset(months=LATER_REVIEW_MONTHS)
        unseen_day = np.datetime64(unseen_due.date(), "D").astype("int64")
        next_due = np.where(_before(due_first, coverage_start), unseen_day, first)
    late_so_far = np.zeros(len(pid), dtype=bool)
    last_held = np.full(len(pid), np.datetime64("NaT"), dtype="datetime64[us]")
    if len(keys):
        next_due = np.where(found, day_numbers(chain["next_due"])[safe], next_due)
        late_so_far = np.where(found, chain["late_so_far"].to_numpy(dtype=bool)[safe], False)
        held = chain["held"].to_numpy().astype("datetime64[us]")
        last_held = np.where(found, held[safe], last_held)
    out = units.copy()
    out["reviews_due"] = first <= day
    out["in_time"] = out["reviews_due"] & ~late_so_far & (next_due > day)
    out["last_review"] = last_held
    out["next_review_due"] = next_due.astype("datetime64[D]").astype("datetime64[us]")
    return out
