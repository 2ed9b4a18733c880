"""Tidy cohort frames for ad hoc questions: children in care on a date, starters, leavers,
placements, each with derived columns (age band, UASC flag, placement type group,
district, area, period-of-care id) so that new questions need plain pandas.

These frames are child-level: they are for analysis, never for publication.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.data.model import CareData
from cpanalytics.measures import breakdowns, distance, groups
from cpanalytics.measures.derive import Derived, derived, first_or_last_per_child
from cpanalytics.measures.indicators import children_in_care as cic_family
from cpanalytics.measures.indicators import health, iro, stability
from cpanalytics.measures.indicators.engine import Context, context, window_start

_ATTRIBUTES = ("sex", "ethnicity_group", "uasc", "age_band", "district", "area", "nationality")


def _with_attributes(frame: pd.DataFrame, on: str, d: Derived) -> pd.DataFrame:
    """Add the child attributes taken on column ``on`` (e.g. the start date)."""
    out = frame.assign(ref_date=frame[on])
    for name in _ATTRIBUTES:
        out = breakdowns.attach(out, name, d)
    out["age"] = groups.age_on(out["CHILD"].map(d.children.set_index("CHILD")["DOB"]),
                               out["ref_date"])
    out["uasc"] = out["uasc"].astype("str").eq("UASC")
    return out.drop(columns="ref_date")


def children_in_care(data: CareData, as_at: str | pd.Timestamp) -> pd.DataFrame:
    """One row per child in care on ``as_at`` (short breaks excluded, as CIC-01), with
    the open episode and the fields the indicators count, made by the indicators' own
    functions, so a recipe on the frame and a report agree.

    Columns, besides ``CHILD``: the period and episode (``period_id``, ``period_start``,
    ``episode_start``, ``LS``, ``legal_status``, ``PLACE``, ``placement_type``,
    ``provider``, ``days_in_care``), the child's attributes on the date (``age``,
    ``age_band``, ``sex``, ``ethnicity_group``, ``uasc``, ``district``, ``area``,
    ``nationality``), and

    - ``distance_miles`` from home (the DfE formula of CIC-07; NaN when a postcode is
      unknown) and ``distance_band``; ``placed_la`` and ``outside_la`` (CIC-08; NA unknown);
    - ``placements_12m``: placements in the 12 months to the date (PS-01 counts 3 or more);
    - ``placement_id``, ``placement_start``, ``days_in_placement``: the placement held on
      the date (same carer; a temporary episode keeps it, as PS-02);
    - ``last_review``, ``next_review_due``, ``reviews_due`` and ``reviews_in_time``
      (IR-01's judgement; NA while no review has fallen due);
    - for a period of care begun in the 12 months to the date: ``iha_due``,
      ``iha_completed`` (by the date), ``iha_in_time`` (HE-02's judgement, NA until due)
      and ``iha_status`` (completed in time, completed late, overdue, not yet due); NA
      otherwise, and without ``local/health_assessments.csv``.

    The frame is child-level: for analysis, never for publication.

    Args:
        data: the loaded data (``cpanalytics.load_data``).
        as_at: the date, ISO ``2019-03-31`` or UK ``31/03/2019``.

    Returns:
        One row per child in care on the date.

    Examples:
        >>> cic = cohorts.children_in_care(data, "2019-03-31")
        >>> far = cic[~cic["uasc"] & (cic["distance_miles"] > 20)]  # as CIC-07
        >>> far.groupby("district").size()  # children placed over 20 miles away, by district
    """
    date = parse_date(as_at, "as_at")
    ctx = context(data)
    dates = pd.DatetimeIndex([date])
    cic = cic_family.in_care_units(ctx, dates, None, cic_family.located_episodes(ctx))
    out = pd.DataFrame({
        "CHILD": cic["CHILD"], "as_at": cic["date"], "period_id": cic["period_id"],
        "period_start": cic["period_start"], "episode_start": cic["DECOM"],
        "LS": cic["LS"], "legal_status": cic["legal_status"],
        "PLACE": cic["PLACE"], "placement_type": cic["placement_type"],
        "provider": cic["PLACE_PROVIDER"],
        "distance_miles": cic["distance"], "distance_band": distance.distance_band(cic["distance"]),
        "placed_la": cic["placed_la"], "outside_la": cic["outside_la"],
    })
    out = pd.concat([out, stability.current_placements(ctx, cic, dates)], axis=1)
    counted = stability.placements_in_window(ctx, dates, "R12M")
    out["placements_12m"] = cic["child_no"].map(counted.set_index("child_no")["placements"])
    out["days_in_care"] = (date - out["period_start"]).dt.days
    out["days_in_placement"] = (date - out["placement_start"]).dt.days
    out = out.join(_reviews(ctx, dates, out["period_id"]))
    out = out.join(_iha(ctx, date, out["period_id"], out["period_start"]))
    return _with_attributes(out, "as_at", ctx.derived).reset_index(drop=True)


def _reviews(ctx: Context, dates: pd.DatetimeIndex, period_id: pd.Series) -> pd.DataFrame:
    """IR-01 as at the date for each period: last review, next due, due and in time."""
    on = iro.review_timeliness(ctx, dates).set_index("period_id")
    due = period_id.map(on["reviews_due"]).astype("boolean").fillna(False)
    in_time = period_id.map(on["in_time"]).astype("boolean").where(due)
    return pd.DataFrame({
        "last_review": period_id.map(on["last_review"]),
        "next_review_due": period_id.map(on["next_review_due"]),
        "reviews_due": due.astype(bool), "reviews_in_time": in_time,
    }, index=period_id.index)


#: IHA status of a recent starter on the date (HE-02's clock: due 20 working days after entry).
IHA_STATUSES = ("Completed in time", "Completed late", "Overdue", "Not yet due")


def _iha(ctx: Context, date: pd.Timestamp, period_id: pd.Series,
         period_start: pd.Series) -> pd.DataFrame:
    """HE-02's IHA fields for periods that began in the 12 months to ``date`` (else NA)."""
    out = pd.DataFrame({"iha_due": pd.Series(pd.NaT, index=period_id.index, dtype="datetime64[us]"),
                        "iha_completed": pd.NaT, "iha_in_time": pd.NA}, index=period_id.index)
    out["iha_completed"] = out["iha_completed"].astype("datetime64[us]")
    out["iha_in_time"] = out["iha_in_time"].astype("boolean")
    out["iha_status"] = pd.Categorical([None] * len(out), categories=IHA_STATUSES)
    if not ctx.data.has("health_assessments"):
        return out
    cohort = health.iha_cohort(ctx).set_index("period_id")
    since = window_start(pd.DatetimeIndex([date]), "R12M").iloc[0]
    recent = (period_start >= since).to_numpy() & period_id.isin(cohort.index).to_numpy()
    rows = period_id[recent]
    due = rows.map(cohort["iha_due"])
    completed = rows.map(cohort["DATE_COMPLETED"]).where(lambda d: d <= date)
    out.loc[recent, "iha_due"] = due
    out.loc[recent, "iha_completed"] = completed
    out.loc[recent, "iha_in_time"] = rows.map(cohort["iha_in_time"]).astype("boolean").where(
        due <= date)
    status = np.select(
        [completed.notna() & (completed <= due), completed.notna(), due <= date],
        list(IHA_STATUSES[:3]), IHA_STATUSES[3])
    out.loc[recent, "iha_status"] = status
    return out


def starters(data: CareData, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """One row per period of care starting between ``start`` and ``end`` inclusive, with
    the child's attributes at the start and the initial health assessment as HE-01 and
    HE-02 judge it.

    Columns: ``CHILD``, ``period_id``, ``start``, ``end``, ``LS``, ``legal_status``,
    ``placement_type``, ``previous_period_end``, the attributes at the start (``age``,
    ``age_band``, ``sex``, ``uasc``, ``district``, ...), and ``request_due``,
    ``iha_requested``, ``request_in_time`` (HE-01: requested within 5 working days),
    ``iha_due``, ``iha_completed``, ``iha_in_time`` (HE-02: completed within 20 working
    days). The IHA columns are NA without ``local/health_assessments.csv``, and for a
    period the data join part-way through (its start, so its IHA clock, is unknown).

    Args:
        data: the loaded data (``cpanalytics.load_data``).
        start: the first day, ISO or UK day first.
        end: the last day.

    Returns:
        One row per period of care started, child-level: never for publication.

    Examples:
        >>> new = cohorts.starters(data, "2017-04-01", "2019-03-31")
        >>> due = new[new["iha_due"].between("2018-04-01", "2019-03-31")]  # as HE-02
        >>> due.groupby("uasc")["iha_in_time"].mean()  # share of IHAs on time, UASC or not
    """
    d = derived(data)
    p = d.periods
    chosen = p[p["start"].between(parse_date(start, "start"), parse_date(end, "end"))]
    out = pd.DataFrame({
        "CHILD": chosen["CHILD"], "period_id": chosen["period_id"], "start": chosen["start"],
        "end": chosen["end"], "LS": chosen["first_ls"],
        "legal_status": groups.legal_status_group(chosen["first_ls"]),
        "placement_type": groups.placement_type(chosen["first_place"]),
    })
    previous_end = p.sort_values("start").groupby("CHILD")["end"].shift()
    out["previous_period_end"] = previous_end.reindex(chosen.index)
    out = out.join(_starter_iha(context(data), out["period_id"]))
    return _with_attributes(out, "start", d).reset_index(drop=True)


#: IHA columns of :func:`starters` -> the columns of ``health.iha_cohort`` they are.
_STARTER_IHA = {
    "request_due": "request_due", "iha_requested": "DATE_REQUESTED",
    "request_in_time": "request_in_time", "iha_due": "iha_due",
    "iha_completed": "DATE_COMPLETED", "iha_in_time": "iha_in_time",
}
_FLAGS = ("request_in_time", "iha_in_time")


def _starter_iha(ctx: Context, period_id: pd.Series) -> pd.DataFrame:
    """HE-01 and HE-02's fields for each period (NA without the extract or a known start)."""
    if ctx.data.has("health_assessments"):
        cohort = health.iha_cohort(ctx).set_index("period_id")
    else:
        cohort = pd.DataFrame(columns=list(_STARTER_IHA.values()), index=pd.Index([], dtype="int64"))
    out = pd.DataFrame({name: period_id.map(cohort[column]) for name, column in _STARTER_IHA.items()})
    return out.astype({c: "boolean" if c in _FLAGS else "datetime64[us]" for c in out.columns})


def leavers(data: CareData, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """One row per child who left care between ``start`` and ``end`` inclusive, counted as
    CIC-03 counts them: a period of care that ceased (a last REC of X1 is no leaving), once
    per child on the last occasion.

    Columns: ``CHILD``, ``period_id``, ``start``, ``end``, ``REC``, ``reason`` (the DfE
    reason-ceased group, the mapping CIC-03 uses), ``days_in_care``, where the last
    placement was (``distance_miles`` from home, ``placed_la``, ``outside_la``: as CIC-07
    and CIC-08 locate a placement) and the attributes at leaving (``age``, ``uasc``,
    ``district``, ...).

    Args:
        data: the loaded data (``cpanalytics.load_data``).
        start: the first day, ISO or UK day first.
        end: the last day.

    Returns:
        One row per child who left care, child-level: never for publication.

    Examples:
        >>> left = cohorts.leavers(data, "2018-04-01", "2019-03-31")
        >>> left["reason"].value_counts()  # as CIC-03
    """
    d = derived(data)
    p = d.periods
    until = parse_date(end, "end")
    ended = p["ceased"] & p["end"].between(parse_date(start, "start"), until)
    chosen = first_or_last_per_child(p[ended.to_numpy(dtype=bool)].assign(date=until), "end",
                                     "last")
    out = pd.DataFrame({
        "CHILD": chosen["CHILD"], "period_id": chosen["period_id"], "start": chosen["start"],
        "end": chosen["end"], "REC": chosen["last_rec"],
        "reason": groups.reason_ceased(chosen["last_rec"]),
        "days_in_care": (chosen["end"] - chosen["start"]).dt.days,
    })
    located = cic_family.located_episodes(context(data))
    last = located.drop_duplicates("period_id", keep="last").set_index("period_id")
    for column, name in (("distance", "distance_miles"), ("placed_la", "placed_la"),
                         ("outside_la", "outside_la")):
        out[name] = out["period_id"].map(last[column])
    return _with_attributes(out, "end", d).reset_index(drop=True)


def placements(data: CareData) -> pd.DataFrame:
    """One row per placement: a same-carer run within a period of care (PS-01's
    placements: a new carer starts one; temporary placements neither count nor break one).

    Columns: ``placement_id``, ``CHILD``, ``period_id``, ``start``, ``end`` (NaT while
    open), ``place`` and ``last_place`` (PLACE codes), ``placement_type``, ``provider``,
    ``rne``, ``reason_change`` (REASON_PLACE_CHANGE of its last episode), ``days``, and the
    child's attributes at its start.

    Args:
        data: the loaded data (``cpanalytics.load_data``).

    Returns:
        Every placement in the data, child-level: never for publication.

    Examples:
        >>> pl = cohorts.placements(data)
        >>> pl[pl["end"].between("2018-04-01", "2019-03-31")]["reason_change"].value_counts()
    """
    d = derived(data)
    pl = d.placements
    out = pl.drop(columns=["home_post", "pl_post", "urn"]).assign(
        placement_type=groups.placement_type(pl["place"]),
        days=(pl["end"] - pl["start"]).dt.days,
    )
    return _with_attributes(out, "start", d).reset_index(drop=True)


def restrict(data: CareData, children: pd.Series | list[str]) -> CareData:
    """The same data limited to the given children: every table and extract with a CHILD
    column keeps only their rows, so any indicator can be computed for one group (e.g. one
    area). Tables without CHILD (population, IRO staff, comparators) are kept whole.

    Args:
        data: the loaded data (``cpanalytics.load_data``).
        children: their CHILD codes.

    Returns:
        A new data set; ``data`` is unchanged.

    Examples:
        >>> attrs = data.child_attributes
        >>> thanet = cohorts.restrict(data, attrs.loc[attrs["DISTRICT"] == "Thanet", "CHILD"])
        >>> compute("HE-02", thanet, "2019-03-31", by="uasc")
    """
    keep = pd.Index(pd.Series(children, dtype="str").str.strip().unique())

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        if "CHILD" not in frame.columns:
            return frame
        return frame[frame["CHILD"].astype("str").str.strip().isin(keep)].reset_index(drop=True)

    return replace(data, tables={n: only(t) for n, t in data.tables.items()},
                   local={n: only(t) for n, t in data.local.items()}, cache={})
