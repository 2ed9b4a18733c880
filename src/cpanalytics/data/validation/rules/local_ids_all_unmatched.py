"""V230: none of a local extract's CHILD ids is a child in the 903 returns, even ignoring
leading zeros (V229): the extract links to nobody, so every figure drawn from it is 0 or blank."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import SRC_ROW, CareData
from cpanalytics.data.validation.rules import all_offences, offences, rule
from cpanalytics.data.validation.rules.local_ids_lost_zeros import return_ids, without_zeros


@rule("V230", "none of the extract's CHILD ids matches a child in the 903 returns (reported "
      "on its first row)",
      "use the same child ids as the 903 return (the case system's id, with any leading "
      "zeros), or check the extract belongs to this local authority")
def local_ids_all_unmatched(data: CareData) -> pd.DataFrame:
    """The first row of each local extract with CHILD ids, none of them (zeros stripped) in any 903 table."""
    ids = return_ids(data)
    hits = []
    for frame in data.local.values():
        child = frame["CHILD"].astype(object) if "CHILD" in frame.columns else pd.Series()
        if ids.empty or not child.notna().any() or child.isin(ids).any():
            continue
        stripped = pd.Index(without_zeros(ids.to_series()).dropna())
        if not without_zeros(child).isin(stripped).any():
            hits.append(offences(frame, frame[SRC_ROW] == frame[SRC_ROW].min(), "CHILD"))
    return all_offences(hits)
