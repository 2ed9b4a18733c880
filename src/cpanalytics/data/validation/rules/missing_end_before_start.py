"""V221: a missing/away-from-placement episode that ends before it starts."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V221", "the missing episode ends (MIS_END) before it starts (MIS_START)",
      "correct MIS_START or MIS_END")
def missing_end_before_start(data: CareData) -> pd.DataFrame:
    """missing rows with MIS_END < MIS_START."""
    missing = data.tables["missing"]
    return offences(missing, missing["MIS_END"] < missing["MIS_START"], "MIS_END")
