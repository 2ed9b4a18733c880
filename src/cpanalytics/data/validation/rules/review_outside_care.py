"""V214: a review dated when the child was not looked after (outside every episode)."""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import CareData
from cpanalytics.data.validation.rules import offences, rule


@rule("V214", "the review date is outside every episode of care for the child",
      "correct the REVIEW date, or the child's episode dates")
def review_outside_care(data: CareData) -> pd.DataFrame:
    """Reviews with no episode of the same child where DECOM <= REVIEW <= DEC (or open)."""
    reviews = data.tables["reviews"]
    eps = data.tables["episodes"][["CHILD", "DECOM", "DEC"]]
    pairs = reviews[["CHILD", "REVIEW"]].reset_index().merge(eps, on="CHILD", how="inner")
    inside = (pairs["REVIEW"] >= pairs["DECOM"]) & (
        pairs["DEC"].isna() | (pairs["REVIEW"] <= pairs["DEC"]))
    covered = pairs.loc[inside, "index"].unique()
    return offences(reviews, reviews["REVIEW"].notna() & ~reviews.index.isin(covered), "REVIEW")
