"""V216: an episode starting on or after the child's 18th birthday (no longer a child)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import age_at, header_dob, offences, rule


@rule("V216", "the child is 18 or over when the episode starts (DECOM)",
      "check the DOB in header.csv and the DECOM; over-18s are not looked after")
def aged_18_at_decom(data: CareData) -> pd.DataFrame:
    """Episodes whose DECOM is on or after the 18th birthday."""
    eps = data.tables["episodes"]
    return offences(eps, age_at(header_dob(data, eps["CHILD"]), eps["DECOM"]) >= 18, "DECOM")
