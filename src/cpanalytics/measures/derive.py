"""Shared intermediate tables, computed once per loaded data set and reused by every
indicator and by the cohort API: care episodes, periods of care, placements, children.

Definitions: ``docs/indicators.md`` (PS-01: placements; CIC-01: short breaks),
``docs/assumptions.md`` and ``docs/data-contract.md`` ("Multi-year history").
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from cpanalytics.data import store
from cpanalytics.data.model import CareData
from cpanalytics.measures import groups

_EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]


@dataclass(frozen=True)
class Derived:
    """The shared tables. Episodes exclude short breaks (LS V3/V4) throughout."""

    episodes: pd.DataFrame
    periods: pd.DataFrame
    placements: pd.DataFrame
    children: pd.DataFrame
    #: Folders whose ``config/`` settings apply (``CareData.config_roots``).
    config_roots: tuple[Path, ...] = ()


#: The tables of :class:`Derived` kept in the loaded-data cache (``CareData.stored``).
_STORED = ("episodes", "periods", "placements", "children")


@functools.cache
def _code_version() -> str:
    """Hash of the code the shared tables come from (this module and ``groups``)."""
    return store.source_version(sys.modules[__name__], groups)


def derived(data: CareData) -> Derived:
    """The shared tables for ``data``, computed on first use and cached on the object (and
    beside the data in the loaded-data cache, when it came from there)."""
    hit = data.cache.get("derived")
    if hit is None:
        stored = data.stored.frames("derived", _code_version()) if data.stored else None
        if stored is None:
            episodes = care_episodes(data.episodes)
            stored = {"episodes": episodes, "periods": periods_of_care(episodes),
                      "placements": placements(episodes), "children": children(data)}
            if data.stored:
                data.stored.put("derived", _code_version(), stored)
        hit = Derived(**{t: stored[t] for t in _STORED}, config_roots=tuple(data.config_roots))
        data.cache["derived"] = hit
    return hit  # type: ignore[return-value]


def _flags(series: pd.Series) -> pd.Series:
    """A plain numpy bool Series (missing = False), whatever the comparison's dtype."""
    return pd.Series(series.to_numpy(dtype=bool, na_value=False), index=series.index)


def _codes(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip()


def care_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes sorted by child and start, short breaks removed, with period and placement ids.

    Adds ``period_id`` (a new period of care starts at RNE S, at a child's first episode,
    or after a gap), ``period_start``/``period_end``, ``temporary`` (PLACE T0-T4),
    ``placement_id`` (same-carer runs; temporary episodes get none) and ``carer``
    (URN + PL_POST, the same-carer key).
    """
    ep = episodes.reindex(columns=_EPISODE_COLUMNS).copy()
    for col in ("CHILD", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "REC", "URN", "PL_POST"):
        ep[col] = _codes(ep[col])
    ep = ep[~ep["LS"].isin(groups.SHORT_BREAK_LS)]
    ep = ep.sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)

    same_child = ep["CHILD"].eq(ep["CHILD"].shift())
    prev_dec = ep["DEC"].shift()
    new_period = ~same_child | ep["RNE"].eq("S") | (prev_dec < ep["DECOM"])
    ep["period_id"] = _flags(new_period).cumsum()
    by_period = ep.groupby("period_id", sort=False)
    ep["period_start"] = by_period["DECOM"].transform("first")
    last_dec = ep.loc[by_period.cumcount(ascending=False).eq(0), ["period_id", "DEC"]]
    ep["period_end"] = ep["period_id"].map(last_dec.set_index("period_id")["DEC"])

    ep["temporary"] = _flags(ep["PLACE"].isin(groups.TEMPORARY_PLACE))
    ep["carer"] = ep["URN"].fillna("") + "|" + ep["PL_POST"].fillna("")
    ep["placement_id"] = _placement_ids(ep)
    return ep


def _placement_ids(ep: pd.DataFrame) -> pd.Series:
    """Same-carer placement ids (indicators.md, "Placement stability").

    A new placement starts at RNE S/P/B (a new carer), or at the first non-temporary
    episode of a period; L/T/U keep the carer and continue it (DfE SSDA903 guidance, rules
    217, 435, 436). Temporary episodes neither count nor break it, so a return from a
    temporary episode to the carer held before it continues that placement.
    """
    nt = ep.loc[~ep["temporary"], ["period_id", "RNE", "carer"]]
    prev_carer = nt.groupby("period_id", sort=False)["carer"].shift()
    first_in_period = _flags(prev_carer.isna())
    same_period = _flags(ep["period_id"].eq(ep["period_id"].shift()))
    after_temporary = (_flags(ep["temporary"].shift(fill_value=False)) & same_period).loc[nt.index]
    # Blank URN and PL_POST say nothing about the carer: never treat them as the same one.
    known_carer = _flags(nt["carer"].ne("|"))
    back_to_same_carer = after_temporary & known_carer & _flags(nt["carer"].eq(prev_carer))
    starts = _flags(nt["RNE"].isin(groups.NEW_CARER_RNE))
    new = first_in_period | (starts & ~back_to_same_carer)
    ids = pd.Series(pd.NA, index=ep.index, dtype="Int64")
    ids.loc[nt.index] = new.cumsum()
    return ids


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care: child, start, end (NaT if open), first RNE and LS, last REC.

    ``start_known``: the first loaded episode is RNE S, so the period starts in the data;
    otherwise the data begin part-way through it and its true start is earlier. The one
    rule every measure uses (docs/assumptions.md#period-start-unknown): a 903 episode keeps
    its true DECOM, so a start on the first day the data cover is a real start.
    ``ceased``: the period ended, with an end date and a last REC other than X1 (X1: the
    child is still looked after, even when the next episode is missing).
    """
    g = episodes.groupby("period_id", sort=False)
    out = pd.DataFrame({
        "CHILD": g["CHILD"].first(),
        "start": g["DECOM"].first(),
        "end": g["period_end"].first(),
        "first_ls": g["LS"].first(),
        "first_rne": g["RNE"].first(),
        "first_place": g["PLACE"].first(),
        "last_rec": g["REC"].last(),
        "episodes": g.size(),
    })
    out["start_known"] = _flags(out["first_rne"].eq("S"))
    out["ceased"] = _flags(out["end"].notna() & out["last_rec"].ne("X1"))
    return out.reset_index()


def first_or_last_per_child(
    units: pd.DataFrame, column: str, keep: Literal["first", "last"]
) -> pd.DataFrame:
    """One row per (date, CHILD): the child's first or last (``keep``) event by ``column``.

    DfE "Children looked after" statistics count children, not periods: a child who ceased
    more than once in the year on the last occasion, one who started more than once on the
    first. Used by CIC-03, CIC-03S, AD-06 and the leavers cohort.
    """
    ordered = units.sort_values(["date", column], kind="stable")
    return ordered.drop_duplicates(["date", "CHILD"], keep=keep).reset_index(drop=True)


def placements(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per placement (same-carer run): start, end, first and last PLACE, provider."""
    ep = episodes[episodes["placement_id"].notna()]
    g = ep.groupby("placement_id", sort=False)
    last = ep.loc[g.cumcount(ascending=False).eq(0)].set_index("placement_id")
    first = ep.loc[g.cumcount().eq(0)].set_index("placement_id")
    out = pd.DataFrame({
        "CHILD": first["CHILD"],
        "period_id": first["period_id"],
        "start": first["DECOM"],
        "end": last["DEC"],
        "place": first["PLACE"],
        "last_place": last["PLACE"],
        "provider": first["PLACE_PROVIDER"],
        "urn": first["URN"],
        "home_post": first["HOME_POST"],
        "pl_post": first["PL_POST"],
        "rne": first["RNE"],
        "reason_change": last["REASON_PLACE_CHANGE"],
        "period_start": first["period_start"],
        "period_end": first["period_end"],
    })
    return out.reset_index()


def children(data: CareData) -> pd.DataFrame:
    """One row per child: sex, DOB, ethnicity group, UASC ceased date, local attributes.

    UASC on a date D holds when the child is in uasc.csv and D < DUC (data-contract.md);
    a blank DUC means the status has not ceased, so ``duc`` is then far in the future.
    """
    header = data.header
    kids = pd.DataFrame({
        "CHILD": _codes(header["CHILD"]),
        "DOB": pd.to_datetime(header["DOB"]),
        "sex": groups.sex_label(header["SEX"]),
        "ethnicity_group": groups.ethnicity_group(header["ETHNIC"]),
    }).drop_duplicates("CHILD", keep="last")
    uasc = pd.DataFrame({
        "CHILD": _codes(data.uasc["CHILD"]), "duc": pd.to_datetime(data.uasc["DUC"]),
    }).drop_duplicates("CHILD", keep="last")
    kids = kids.merge(uasc, on="CHILD", how="left")
    kids["uasc_ever"] = kids["CHILD"].isin(uasc["CHILD"])
    kids.loc[kids["uasc_ever"] & kids["duc"].isna(), "duc"] = pd.Timestamp("2262-01-01")
    if data.has("child_attributes"):
        attrs = data.local["child_attributes"].copy()
        attrs["CHILD"] = _codes(attrs["CHILD"])
        attrs = attrs.drop_duplicates("CHILD", keep="last").set_index("CHILD")
        for col, name in (("NATIONALITY", "nationality"), ("DISTRICT", "district"),
                          ("DISABILITY", "disability")):
            kids[name] = kids["CHILD"].map(attrs[col]) if col in attrs else pd.NA
    else:
        kids["nationality"] = pd.NA
        kids["district"] = pd.NA
        kids["disability"] = pd.NA
    return kids.reset_index(drop=True)


def uasc_on(children: pd.DataFrame, child: pd.Series, on: pd.Series) -> pd.Series:
    """True where the child is UASC on the date: in uasc.csv and the date is before DUC."""
    duc = child.map(children.set_index("CHILD")["duc"])
    return (duc.notna() & (pd.to_datetime(on) < duc)).astype(bool)


#: The end given to what has not ended (no DEC, no period end), so that "open on D" is
#: always start <= D < end.
OPEN_END = np.datetime64("9999-12-31", "us")


def interval_arrays(starts: pd.Series, ends: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Start and end dates as ``datetime64[us]`` arrays, a blank end as :data:`OPEN_END`."""
    end = ends.to_numpy().astype("datetime64[us]")
    return starts.to_numpy().astype("datetime64[us]"), np.where(np.isnat(end), OPEN_END, end)


def rows_open_on(
    starts: np.ndarray, ends: np.ndarray, dates: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the intervals open on each date (start <= D < end), and the date of each.

    The rule for "in care on D": an episode or period that starts on D counts, one that
    ends on D does not.
    """
    days = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[us]")
    hits = [np.flatnonzero((starts <= d) & (ends > d)) for d in days]
    rows = np.concatenate(hits) if hits else np.zeros(0, dtype=int)
    return rows, np.repeat(days, [len(h) for h in hits])


def in_care_on(episodes: pd.DataFrame, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date: one row per (date, CHILD) with the episode then open.

    In care on D means DECOM <= D and (DEC is blank or DEC > D) (:func:`rows_open_on`).
    """
    rows, when = rows_open_on(*interval_arrays(episodes["DECOM"], episodes["DEC"]), dates)
    out = episodes.iloc[rows].reset_index(drop=True)
    return out.assign(date=pd.Series(when, dtype="datetime64[us]"))


#: Child-and-day keys: child number * KEY_SPAN + day number (day numbers fit in 2**20).
KEY_SPAN = np.int64(1 << 20)


def day_numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    return np.asarray(values).astype("datetime64[D]").astype("int64")


def latest_on_or_before(keys: np.ndarray, child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Position in sorted child-and-day ``keys`` of each child's latest key on or before
    ``day``; -1 when the child has none. One binary search for all rows."""
    idx = np.searchsorted(keys, child * KEY_SPAN + day, side="right") - 1
    if not len(keys):
        return idx
    same = (idx >= 0) & (keys[np.clip(idx, 0, None)] // KEY_SPAN == child)
    return np.where(same, idx, -1)
