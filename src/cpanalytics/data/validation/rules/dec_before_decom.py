"""V211: an episode that ends before it starts (DEC earlier than DECOM)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V211", "the episode ends (DEC) before it starts (DECOM)",
      "correct DEC or DECOM so that DEC is on or after DECOM")
def dec_before_decom(data: CareData) -> pd.DataFrame:
    """Episodes with DEC < DECOM."""
    eps = data.tables["episodes"]
    return offences(eps, eps["DEC"] < eps["DECOM"], "DEC")
