"""V227: a date of birth no child or care leaver in the return can have: a placeholder such
as 01/01/1900 or 31/12/9999, or someone over 25 or not yet born at the end of the year."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.dates import year_end
from cpanalytics.data.model import TABLES_903, YEAR, CareData
from cpanalytics.data.validation.rules import all_offences, offences, rule

#: Oldest plausible age at the end of the collection year (care leavers are 17 to 21).
OLDEST = 25


@rule("V227", f"the date of birth is not plausible: a placeholder (01/01/1900, 31/12/9999), "
      f"over {OLDEST} or not yet born at the end of the collection year",
      "enter the child's real date of birth (a placeholder DOB makes every age-based "
      "figure wrong)")
def implausible_dob(data: CareData) -> pd.DataFrame:
    """Rows of every 903 table whose DOB or MC_DOB is before 1 April (YEAR - 26) or after 31 March YEAR."""
    hits = []
    for name, frame in data.tables.items():
        if name not in TABLES_903 or frame.empty:
            continue
        end = year_end(frame[YEAR])
        earliest = end - pd.DateOffset(years=OLDEST + 1)
        hits += [offences(frame, (frame[c] <= earliest) | (frame[c] > end), c)
                 for c in ("DOB", "MC_DOB") if c in frame.columns]
    return all_offences(hits)
