"""V228: a record's DOB (oc3, oc2, reviews, uasc, ...) differs from the child's header DOB in the same return."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import TABLES_903, YEAR, CareData
from cpanalytics.data.validation.rules import all_offences, offences, rule


@rule("V228", "the DOB differs from the child's DOB in header.csv of the same return",
      "correct the DOB here or in header.csv so that both give the child's real date of birth")
def dob_differs_from_header(data: CareData) -> pd.DataFrame:
    """Rows with a DOB other than header's, for children whose header row is from the same
    collection year (a later return may have corrected the DOB)."""
    header = data.tables["header"].drop_duplicates("CHILD", keep="last")
    known = pd.MultiIndex.from_frame(header[["CHILD", YEAR]].astype({YEAR: "int64"}))
    header_dob = pd.Series(header["DOB"].to_numpy(), index=known)
    hits = []
    for name, frame in data.tables.items():
        if name in TABLES_903 and name != "header" and "DOB" in frame.columns and not frame.empty:
            keys = pd.MultiIndex.from_frame(frame[["CHILD", YEAR]].astype({YEAR: "int64"}))
            expected = pd.Series(header_dob.reindex(keys).to_numpy(), index=frame.index)
            differs = frame["DOB"].notna() & expected.notna() & (frame["DOB"] != expected)
            hits.append(offences(frame, differs, "DOB"))
    return all_offences(hits)
