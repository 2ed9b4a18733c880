"""V217: a child with more than one header row in one return."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import YEAR, CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V217", "the child has more than one header row in the same return",
      "keep one header row per child (delete the duplicate)")
def duplicate_header(data: CareData) -> pd.DataFrame:
    """Second and later header rows with the same CHILD and collection year."""
    header = data.tables["header"]
    return offences(header, header.duplicated(["CHILD", YEAR]), "CHILD")
