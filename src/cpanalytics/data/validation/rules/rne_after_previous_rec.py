"""V224: the reason for a new episode (RNE) contradicts how the previous episode ended (REC).

After REC X1 the child is still looked after, so the next episode cannot start a new period
(RNE S); after any other REC the child left care, so the next episode must be RNE S.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V224", "RNE contradicts the previous episode's REC (S must follow a leaving reason, "
      "and only S may follow one)",
      "correct RNE, or the REC of the child's previous episode")
def rne_after_previous_rec(data: CareData) -> pd.DataFrame:
    """Episodes whose RNE is S after an X1, or not S after a leaving REC."""
    eps = data.tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    previous_rec = eps.groupby("CHILD", sort=False)["REC"].shift(1)
    new_period = eps["RNE"] == "S"
    wrong = ((previous_rec == "X1") & new_period) | (
        previous_rec.notna() & (previous_rec != "X1") & ~new_period)
    return offences(eps, wrong, "RNE")
