"""V219: an episode left open (DEC blank) although the child has a later episode in the return."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V219", "the episode has no end date (DEC) but the child has a later episode",
      "enter DEC (usually the next episode's DECOM) and REC")
def open_episode_not_latest(data: CareData) -> pd.DataFrame:
    """Open episodes followed by another episode of the same child."""
    eps = data.tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    next_decom = eps.groupby("CHILD", sort=False)["DECOM"].shift(-1)
    return offences(eps, eps["DEC"].isna() & next_decom.notna(), "DEC")
