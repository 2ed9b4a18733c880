"""V226: an episode ending after the end of its return's collection year (31 March).

A return describes April to March: it cannot know of an episode ending later. Rows closed
by stitching (DEC set from a later return or at the year end) are exempt.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.dates import year_end
from cpanalytics.data.model import STITCH_RULE, YEAR, CareData
from cpanalytics.data.stitching import KEPT, LATEST_RETURN_WINS
from cpanalytics.data.validation.rules import offences, rule


@rule("V226", "the episode ends (DEC) after 31 March of the return's collection year",
      "correct DEC (a later end belongs in the next year's return: leave DEC and REC blank "
      "here), or move the file to the right year folder")
def dec_after_year_end(data: CareData) -> pd.DataFrame:
    """Episodes as returned with DEC later than 31 March of YEAR."""
    eps = data.tables["episodes"]
    as_returned = eps[STITCH_RULE].isin([KEPT, LATEST_RETURN_WINS])
    end = year_end(eps[YEAR])
    return offences(eps, as_returned & (eps["DEC"] > end), "DEC")
