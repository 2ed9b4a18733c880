"""V213: UASC status ceased (DUC) after the child's 18th birthday (DUC is at most the 18th birthday)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import age_at, offences, rule


@rule("V213", "the date UASC status ceased (DUC) is after the child's 18th birthday",
      "set DUC to the 18th birthday at the latest (UASC status ends at 18)")
def uasc_ceased_after_18(data: CareData) -> pd.DataFrame:
    """uasc rows aged 18 already on the day before DUC (so DUC is after the 18th birthday)."""
    uasc = data.tables["uasc"]
    return offences(uasc, age_at(uasc["DOB"], uasc["DUC"] - pd.Timedelta(days=1)) >= 18, "DUC")
