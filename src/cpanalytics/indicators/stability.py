"""Placement stability: PS-01 to PS-05 (indicators.md, "Placement stability").

A placement is a same-carer run (see ``cpanalytics.derive.care_episodes``).
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.indicators.children_in_care import in_care_units
from cpanalytics.indicators.engine import Context, window_start
from cpanalytics.indicators.registry import indicator


@indicator(
    "PS-01",
    title="Children in care with 3 or more placements in the last 12 months",
    polarity="L",
    period="SS",
    kind="rate",
    unit="%",
    definition=(
        "Of children in care on the date, the percentage with three or more placements "
        "during the 12 months ending on the date. A placement is a period with the same "
        "carer: RNE S, P or T starts one; L, U and B continue it; temporary placements "
        "(T0-T4) neither count nor break it. Short breaks excluded."
    ),
    sources=("episodes",),
)
def ps01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care with 3+ placements overlapping the last 12 months (PS-01)."""
    cic = in_care_units(ctx, dates)[["date", "CHILD"]].drop_duplicates()
    pl = ctx.derived.placements[["CHILD", "start", "end"]]
    both = cic.merge(pl, on="CHILD")
    ws = window_start(both["date"], "R12M").to_numpy()
    during = (both["start"] <= both["date"]) & (both["end"].isna() | (both["end"].to_numpy() >= ws))
    counts = both[during.to_numpy()].groupby(["date", "CHILD"]).size().rename("placements")
    units = cic.merge(counts.reset_index(), on=["date", "CHILD"], how="left")
    units["placements"] = units["placements"].fillna(0).astype(int)
    units["numerator"] = (units["placements"] >= 3).astype(int)
    units["denominator"] = 1
    return units
