"""V215: an episode starting before the child was born (header DOB after DECOM)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import header_dob, offences, rule


@rule("V215", "the episode starts (DECOM) before the child's date of birth (DOB in header)",
      "correct the DOB in header.csv or the episode's DECOM")
def dob_after_decom(data: CareData) -> pd.DataFrame:
    """Episodes whose DECOM is earlier than the child's DOB."""
    eps = data.tables["episodes"]
    return offences(eps, header_dob(data, eps["CHILD"]) > eps["DECOM"], "DECOM")
