"""V222: DEC and REC must be completed together (an episode ends with a date and a reason)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import STITCH_RULE, CareData
from cpanalytics.data.stitching import KEPT, LATEST_RETURN_WINS
from cpanalytics.data.validation.rules import offences, rule


@rule("V222", "the episode has an end date (DEC) without a reason (REC), or a reason without a date",
      "enter both DEC and REC, or leave both blank if the episode is still open")
def dec_and_rec_together(data: CareData) -> pd.DataFrame:
    """Episodes as returned (not closed by stitching) with exactly one of DEC and REC."""
    eps = data.tables["episodes"]
    as_returned = eps[STITCH_RULE].isin([KEPT, LATEST_RETURN_WINS])
    mismatch = eps["DEC"].isna() != eps["REC"].isna()
    return offences(eps, as_returned & mismatch, "REC")
