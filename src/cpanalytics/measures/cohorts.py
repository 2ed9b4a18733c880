"""Tidy cohort frames for ad hoc questions: children in care on a date, starters, leavers,
placements, each with derived columns (age band, UASC flag, placement type group,
district, area, period-of-care id) so that new questions need plain pandas.

These frames are child-level: they are for analysis, never for publication.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.data.model import CareData
from cpanalytics.measures import breakdowns, groups
from cpanalytics.measures.derive import Derived, derived, first_or_last_per_child, in_care_on

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
    """One row per child in care on ``as_at`` (short breaks excluded), with the open episode."""
    d = derived(data)
    date = parse_date(as_at, "as_at")
    cic = in_care_on(d.episodes, pd.DatetimeIndex([date]))
    out = pd.DataFrame({
        "CHILD": cic["CHILD"], "as_at": cic["date"], "period_id": cic["period_id"],
        "period_start": cic["period_start"], "episode_start": cic["DECOM"],
        "LS": cic["LS"], "legal_status": groups.legal_status_group(cic["LS"]),
        "PLACE": cic["PLACE"], "placement_type": groups.placement_type(cic["PLACE"]),
        "provider": cic["PLACE_PROVIDER"], "placement_id": cic["placement_id"],
    })
    starts = d.placements.set_index("placement_id")["start"]
    out["placement_start"] = out["placement_id"].map(starts)
    out["days_in_care"] = (date - out["period_start"]).dt.days
    out["days_in_placement"] = (date - out["placement_start"]).dt.days
    return _with_attributes(out, "as_at", d).reset_index(drop=True)


def starters(data: CareData, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """One row per period of care starting between ``start`` and ``end`` inclusive."""
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
    return _with_attributes(out, "start", d).reset_index(drop=True)


def leavers(data: CareData, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """One row per child who left care between ``start`` and ``end`` inclusive, counted as
    CIC-03 counts them: a period of care that ceased (a last REC of X1 is no leaving), once
    per child on the last occasion. The reason ceased is in the DfE groups of
    :func:`cpanalytics.measures.groups.reason_ceased` (the mapping CIC-03 uses)."""
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
    return _with_attributes(out, "end", d).reset_index(drop=True)


def placements(data: CareData) -> pd.DataFrame:
    """One row per placement (same-carer run) with type group, duration and attributes at start."""
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
    area). Tables without CHILD (population, IRO staff, comparators) are kept whole."""
    keep = pd.Index(pd.Series(children, dtype="str").str.strip().unique())

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        if "CHILD" not in frame.columns:
            return frame
        return frame[frame["CHILD"].astype("str").str.strip().isin(keep)].reset_index(drop=True)

    return replace(data, tables={n: only(t) for n, t in data.tables.items()},
                   local={n: only(t) for n, t in data.local.items()}, cache={})
