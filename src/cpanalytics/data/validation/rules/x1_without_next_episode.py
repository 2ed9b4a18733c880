"""V223: REC X1 (episode ceased, child still looked after) with no episode starting that day."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.dates import year_end
from cpanalytics.data.model import YEAR, CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V223", "REC is X1 (still looked after) but no episode of the child starts on the DEC date",
      "add the child's next episode starting on DEC, or use the REC for leaving care")
def x1_without_next_episode(data: CareData) -> pd.DataFrame:
    """X1 episodes ending within their return's year with no same-child episode from DEC."""
    eps = data.tables["episodes"]
    starts = pd.MultiIndex.from_frame(eps[["CHILD", "DECOM"]])
    ends = pd.MultiIndex.from_frame(eps[["CHILD", "DEC"]])
    in_year = eps["DEC"] <= year_end(eps[YEAR])
    return offences(eps, (eps["REC"] == "X1") & in_year & ~ends.isin(starts), "REC")
