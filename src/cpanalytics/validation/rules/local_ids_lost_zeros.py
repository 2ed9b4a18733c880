"""V229: a local extract's CHILD id matches no child in the 903 returns but matches one when
leading zeros are ignored: the usual sign that Excel stripped them (it reads ids as numbers).

Left unreported, the extract silently links to nobody (HE-02 fell from 71.6% to 0.0%), so
this is an error, like every problem that makes a published figure wrong.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.model import SRC_FILE, SRC_ROW, CareData
from cpanalytics.validation.rules import offences, rule


def without_zeros(ids: pd.Series) -> pd.Series:
    """The ids as text with leading zeros removed (blank ids and all-zero ids become missing)."""
    return ids.astype(object).astype("string").str.lstrip("0").replace("", pd.NA)


@rule("V229", "the CHILD id matches no child in the 903 returns, but does when leading zeros "
      "are ignored: Excel has probably stripped the leading zeros (or the system added some)",
      "export the extract again with CHILD as text (in Excel use Data > From Text/CSV and set "
      "the CHILD column to Text before saving), so the ids are written as in the 903 return")
def local_ids_lost_zeros(data: CareData) -> pd.DataFrame:
    """Local rows whose CHILD is not a 903 id, but is one once leading zeros are stripped on both sides."""
    ids = pd.concat([f["CHILD"].astype(object) for f in data.tables.values()], ignore_index=True)
    stripped = without_zeros(ids.drop_duplicates())
    hits = []
    for frame in data.local.values():
        if "CHILD" in frame.columns and not frame.empty:
            child = frame["CHILD"].astype(object)
            hits.append(offences(frame, ~child.isin(ids) & without_zeros(child).isin(stripped), "CHILD"))
    if not hits:
        return pd.DataFrame(columns=[SRC_FILE, SRC_ROW, "column", "value"])
    return pd.concat(hits, ignore_index=True)
