"""V218: two episodes for the same child starting on the same date in one return."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import YEAR, CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V218", "the child has two episodes starting on this date (DECOM) in the same return",
      "delete the duplicate episode, or correct its DECOM")
def duplicate_episodes(data: CareData) -> pd.DataFrame:
    """Second and later rows with the same CHILD, DECOM and collection year."""
    eps = data.tables["episodes"]
    return offences(eps, eps.duplicated(["CHILD", "DECOM", YEAR]), "DECOM")
