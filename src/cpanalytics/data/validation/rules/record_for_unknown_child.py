"""V225: a review, UASC, outcome, adoption or missing record for a child not in the header."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import TABLES_903, CareData
from cpanalytics.data.validation.rules import all_offences, in_header, offences, rule


@rule("V225", "the record is for a child who is not in the header table",
      "add the child to header.csv for that year, or correct the CHILD id")
def record_for_unknown_child(data: CareData) -> pd.DataFrame:
    """Rows of every table other than header and episodes (V210) whose CHILD has no header row."""
    hits = [
        offences(frame, ~in_header(data, frame["CHILD"]), "CHILD")
        for name, frame in data.tables.items()
        if name in TABLES_903 and name not in ("header", "episodes") and not frame.empty
    ]
    return all_offences(hits)
