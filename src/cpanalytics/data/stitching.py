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


def latest_return(frame: pd.DataFrame, keys: list[str] | None) -> pd.DataFrame:
    """Rows of the latest return holding each key; within one return every row is kept."""
    if keys is None or frame.empty:
        return frame
    latest = frame.groupby(keys, dropna=False, observed=True)[YEAR].transform("max")
    return frame[frame[YEAR] == latest]


def stitch_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """One episode history per child, with STITCH_RULE naming the rule that changed each row.

    Rules, in order (the last that applies names the row):
    ``latest_return_wins`` (CHILD+DECOM in several returns: the latest is kept);
    ``closed_by_later_return`` (DEC blank, and the next episode comes from a later return:
    DEC = next DECOM, REC = X1 unless the next episode starts a new period, RNE S);
    ``closed_at_year_end`` (DEC blank in return Y, no later episode, but later returns were
    loaded: the child was not looked after in year Y+1, so DEC = 1 April Y);
    ``trimmed_overlap`` (DEC after the next DECOM from another return: DEC = next DECOM).
    """
    if episodes.empty:
        return episodes.assign(**{STITCH_RULE: pd.Series(dtype="str")})
    in_returns = episodes.groupby(["CHILD", "DECOM"], dropna=False)[YEAR].transform("nunique")
    eps = latest_return(episodes.assign(_dups=in_returns > 1), ["CHILD", "DECOM"])
    eps = eps.sort_values(["CHILD", "DECOM", YEAR, SRC_ROW], kind="stable").reset_index(drop=True)
    rule: pd.Series = pd.Series(np.where(eps.pop("_dups"), LATEST_RETURN_WINS, KEPT), index=eps.index)

    by_child = eps.groupby("CHILD", sort=False)
    next_decom = by_child["DECOM"].shift(-1)
    next_year = by_child[YEAR].shift(-1)
    next_rne = by_child["RNE"].shift(-1)
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
