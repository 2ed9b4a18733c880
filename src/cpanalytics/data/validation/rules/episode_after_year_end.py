"""V220: an episode starting after the end of its return's collection year (31 March)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.dates import year_end
from cpanalytics.data.model import YEAR, CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V220", "the episode starts (DECOM) after 31 March of the return's collection year",
      "move the file to the right year folder, or correct DECOM")
def episode_after_year_end(data: CareData) -> pd.DataFrame:
    """Episodes with DECOM later than 31 March of YEAR."""
    eps = data.tables["episodes"]
    end = year_end(eps[YEAR])
    return offences(eps, eps["DECOM"] > end, "DECOM")
