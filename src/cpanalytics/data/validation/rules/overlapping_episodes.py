"""V212: a child's episode that ends after their next episode starts (within one return).

Overlaps between returns are trimmed by stitching; what is left came from one return.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V212", "the episode overlaps the child's next episode (DEC is after the next DECOM)",
      "correct DEC to the next episode's DECOM, or correct the next episode's DECOM")
def overlapping_episodes(data: CareData) -> pd.DataFrame:
    """Episodes whose DEC is after the DECOM of the same child's next episode."""
    eps = data.tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    next_decom = eps.groupby("CHILD", sort=False)["DECOM"].shift(-1)
    return offences(eps, eps["DEC"] > next_decom, "DEC")
