"""Children in care (context): CIC-01 to CIC-09 (indicators.md, "Children in care")."""

from __future__ import annotations

import pandas as pd

from cpanalytics.derive import in_care_on
from cpanalytics.indicators.engine import Context
from cpanalytics.indicators.registry import indicator


def in_care_units(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per child in care on each date, with the episode then open (short breaks excluded)."""
    return in_care_on(ctx.derived.episodes, dates)


@indicator(
    "CIC-01",
    title="Number of children in care",
    polarity=None,
    period="SS",
    kind="count",
    unit="count",
    definition=(
        "Children looked after on the date (an episode open: DECOM on or before the date "
        "and DEC blank or after it), excluding children looked after only under short "
        "breaks (LS V3/V4). Split citizen / UASC with by='uasc'."
    ),
    sources=("episodes", "uasc"),
)
def cic01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date (CIC-01)."""
    return in_care_units(ctx, dates)[["date", "CHILD"]]
