"""Stitch several collection years into one history (data contract, "Multi-year history").

Episodes: de-duplicate on CHILD+DECOM with the latest return winning; an episode left
open in an earlier return is closed by the next return's data; overlaps between returns
are trimmed to the next DECOM (as LIIA's "episodes fix"). Problems *within* one return
are left as they are, for validation to report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.data.model import SRC_ROW, STITCH_RULE, YEAR

#: De-duplication keys per table: a key seen in several returns keeps the latest return's rows.
#: ``None``: the table is an annual measurement, so every year's rows are kept.
LATEST_RETURN_KEYS: dict[str, list[str] | None] = {
    "header": ["CHILD"],
    "uasc": ["CHILD"],
    "reviews": ["CHILD", "REVIEW"],
    "missing": ["CHILD", "MIS_START"],
    "ad1": ["CHILD", "DATE_INT"],
    "placed_for_adoption": ["CHILD", "DATE_PLACED"],
    "previous_permanence": ["CHILD", "PREV_PERM", "DATE_PERM"],
    "oc2": None,
    "oc3": None,
}

KEPT = "kept"
LATEST_RETURN_WINS = "latest_return_wins"
CLOSED_BY_LATER_RETURN = "closed_by_later_return"
CLOSED_AT_YEAR_END = "closed_at_year_end"
TRIMMED_OVERLAP = "trimmed_overlap"


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One integer per distinct combination of ``keys`` (a missing value counts as a value)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        key_codes, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        codes = pd.factorize(codes * (len(uniques) + 1) + key_codes)[0]
    return codes


def _latest(group: np.ndarray, year: np.ndarray) -> np.ndarray:
    """True on the rows of the latest year within their group."""
    latest = np.full(group.max() + 1, year.min())
    np.maximum.at(latest, group, year)
    return year == latest[group]


def latest_return(frame: pd.DataFrame, keys: list[str] | None) -> pd.DataFrame:
    """Rows of the latest return holding each key; within one return every row is kept."""
    if keys is None or frame.empty:
        return frame
    keep = _latest(_group_codes(frame, keys), frame[YEAR].to_numpy(dtype=np.int64))
    return frame if keep.all() else frame[keep]


def _sort_order(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row order by CHILD, DECOM, YEAR, SRC_ROW (stable; missing CHILD and DECOM last, as
    ``sort_values``), and each row's CHILD number (-1 when missing) in that order."""
    child, uniques = pd.factorize(frame["CHILD"], sort=True)
    child_last = np.where(child < 0, len(uniques), child)
    decom = frame["DECOM"]
    order = np.lexsort((frame[SRC_ROW].to_numpy(), frame[YEAR].to_numpy(),
                        decom.to_numpy().view(np.int64), decom.isna().to_numpy(), child_last))
    return order, child[order]


def stitch_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """One episode history per child, with STITCH_RULE naming the rule that changed each row.

    Rules, in order (the last that applies names the row):
    ``latest_return_wins`` (CHILD+DECOM in several returns: the latest is kept);
    ``closed_by_later_return`` (DEC blank, and the next episode comes from a later return:
    DEC = next DECOM, REC = X1 unless the next episode starts a new period, RNE S);
    ``closed_at_year_end`` (DEC blank in return Y, no later episode, but later returns were
    loaded: the child was not looked after in year Y+1, so DEC = 1 April Y);
    ``trimmed_overlap`` (DEC after the next DECOM from another return: DEC = next DECOM).

    Grouped with numpy on factorised keys (pandas' groupby on Arrow strings took 5 s of a
    national-scale load).
    """
    if episodes.empty:
        return episodes.assign(**{STITCH_RULE: pd.Series(dtype="str")})
    group = _group_codes(episodes, ["CHILD", "DECOM"])
    year = episodes[YEAR].to_numpy(dtype=np.int64)
    span = year.max() - year.min() + 1
    pairs = pd.factorize(group * span + (year - year.min()))[1]  # each (group, year) once
    returns = np.bincount(pairs // span)  # returns holding each group
    kept = np.flatnonzero(_latest(group, year))
    order, child = _sort_order(episodes.iloc[kept])
    rows = kept[order]
    eps = episodes.take(rows).reset_index(drop=True)
    rule: pd.Series = pd.Series(np.where(returns[group[rows]] > 1, LATEST_RETURN_WINS, KEPT),
                                index=eps.index)

    has_next = pd.Series(np.append((child[1:] == child[:-1]) & (child[1:] >= 0), False),
                         index=eps.index)
    next_decom = eps["DECOM"].shift(-1).where(has_next)
    next_year = eps[YEAR].shift(-1).where(has_next)
    next_rne = eps["RNE"].shift(-1).where(has_next)
    is_open = eps["DEC"].isna()

    closed = is_open & next_decom.notna() & (next_year > eps[YEAR])
    eps.loc[closed, "DEC"] = next_decom[closed]
    # numpy builds an object array holding None; its stubs take no None value, so they pick
    # the one-argument overload (a tuple, hence "index")
    eps.loc[closed, "REC"] = np.where(next_rne[closed] == "S", None, "X1")  # type: ignore[call-overload, index]
    rule[closed] = CLOSED_BY_LATER_RETURN

    year_end = is_open & next_decom.isna() & (eps[YEAR] < eps[YEAR].max())
    eps.loc[year_end, "DEC"] = pd.to_datetime(
        eps.loc[year_end, YEAR].astype(str) + "-04-01"
    ).astype(eps["DEC"].dtype)
    rule[year_end] = CLOSED_AT_YEAR_END

    trimmed = ~is_open & (eps["DEC"] > next_decom) & (next_year != eps[YEAR])
    eps.loc[trimmed, "DEC"] = next_decom[trimmed]
    rule[trimmed] = TRIMMED_OVERLAP

    eps[STITCH_RULE] = rule
    return eps


def stitch(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every 903 table stitched across collection years (episodes by :func:`stitch_episodes`)."""
    out = {}
    for name, frame in tables.items():
        if name == "episodes":
            out[name] = stitch_episodes(frame)
        else:
            out[name] = latest_return(frame, LATEST_RETURN_KEYS.get(name)).reset_index(drop=True)
    return out
