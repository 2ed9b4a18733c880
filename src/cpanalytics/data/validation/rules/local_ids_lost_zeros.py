"""V229: a local extract's CHILD id matches no child in the 903 returns but matches one when
leading zeros are ignored: the usual sign that Excel stripped them (it reads ids as numbers).

Left unreported, the extract silently links to nobody (HE-02 fell from 71.6% to 0.0%), so
this is an error, like every problem that makes a published figure wrong.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import all_offences, offences, rule


def without_zeros(ids: pd.Series) -> pd.Series:
    """The ids as text with leading zeros removed (blank ids and all-zero ids become missing)."""
    stripped = ids.astype(object).astype("string").str.lstrip("0")
    # pandas takes pd.NA as the replacement value; pandas-stubs only inside a mapping
    return stripped.replace("", pd.NA).astype(object)  # type: ignore[call-overload]


def return_ids(data: CareData) -> pd.Index:
    """Every distinct CHILD id in the 903 tables, as text."""
    return pd.Index(pd.unique(pd.concat([f["CHILD"].astype(object) for f in data.tables.values()],
                                        ignore_index=True)))


@rule("V229", "the CHILD id matches no child in the 903 returns, but does when leading zeros "
      "are ignored: Excel has probably stripped the leading zeros (or the system added some)",
      "export the extract again with CHILD as text (in Excel use Data > From Text/CSV and set "
      "the CHILD column to Text before saving), so the ids are written as in the 903 return")
def local_ids_lost_zeros(data: CareData) -> pd.DataFrame:
    """Local rows whose CHILD is not a 903 id, but is one once leading zeros are stripped on both sides."""
    ids = return_ids(data)
    stripped: pd.Index | None = None
    hits = []
    for frame in data.local.values():
        if "CHILD" not in frame.columns or frame.empty:
            continue
        child = frame["CHILD"].astype(object)
        unknown = ~child.isin(ids)
        if not unknown.any():
            continue
        stripped = pd.Index(without_zeros(ids.to_series()).dropna()) if stripped is None else stripped
        lost = pd.Series(False, index=frame.index)
        lost[unknown] = without_zeros(child[unknown]).isin(stripped)
        hits.append(offences(frame, lost, "CHILD"))
    return all_offences(hits)
