"""V210: an episode for a child who has no header record (DfE rule 1002-style linkage)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import in_header, offences, rule


@rule("V210", "episode for a child who is not in the header table",
      "add the child to header.csv for that year, or correct the CHILD id")
def child_not_in_header(data: CareData) -> pd.DataFrame:
    """Episodes whose CHILD is absent from every header row."""
    eps = data.tables["episodes"]
    return offences(eps, ~in_header(data, eps["CHILD"]), "CHILD")
