"""Care leavers: CL-01 to CL-03 from the OC3 return (indicators.md, "Care leavers").

The OC3 cohort of a collection year is the care leavers whose 17th to 21st birthday fell
in that year; oc3.csv rows carry the YEAR of the return. A date uses the return of the
financial year containing it (31 March 2019 and 31 December 2018 both use YEAR 2019).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.indicators.engine import Context
from cpanalytics.indicators.registry import indicator
from cpanalytics.indicators.windows import cached

#: ACTIV codes meaning in education, employment or training (DfE SSDA903 guidance: F*
#: full time and P* part time; G4-G6 NEET; 0 no information).
EET_PREFIXES = ("F", "P")
#: ACCOM suffixes meaning suitable: DfE codes end 1 (suitable) or 2 (unsuitable);
#: S / N are accepted as the data contract writes them.
SUITABLE_SUFFIXES = ("1", "S")


def collection_year(dates: pd.DatetimeIndex) -> pd.Index:
    """Collection year (ending 31 March) containing each date."""
    return pd.Index(dates.year + (dates.month >= 4).astype(int))


def oc3_flags(ctx: Context) -> pd.DataFrame:
    """OC3 rows, one per child and YEAR, with ``in_touch``, ``eet`` and ``suitable`` (built once)."""
    return cached(ctx, "cl.oc3_flags", lambda: _flags(ctx.data.oc3))


def _flags(oc3: pd.DataFrame) -> pd.DataFrame:
    codes = {col: oc3[col].astype("str").str.strip().str.upper() for col in ("IN_TOUCH", "ACTIV", "ACCOM")}
    out = pd.DataFrame({
        "YEAR": pd.to_numeric(oc3["YEAR"], errors="coerce").astype("float64")
        if "YEAR" in oc3 else np.nan,
        "CHILD": oc3["CHILD"].astype("str").str.strip(),
        "in_touch": codes["IN_TOUCH"].eq("YES").to_numpy(dtype=bool, na_value=False),
        "eet": codes["ACTIV"].str[:1].isin(EET_PREFIXES).to_numpy(dtype=bool, na_value=False),
        "suitable": codes["ACCOM"].str[-1:].isin(SUITABLE_SUFFIXES).to_numpy(dtype=bool, na_value=False),
    })
    return out.drop_duplicates(["YEAR", "CHILD"], keep="last")


def cohort(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """OC3 rows of the collection year containing each date, one per child, with flags
    ``in_touch``, ``eet`` and ``suitable``."""
    years = pd.DataFrame({"date": dates, "YEAR": collection_year(dates).astype("float64")})
    return years.merge(oc3_flags(ctx), on="YEAR")


@indicator(
    "CL-01",
    title="Care leavers in touch",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    definition=(
        "Of care leavers in the OC3 cohort of the financial year (17th to 21st birthday in "
        "the year, UASC included), the percentage the LA was in touch with (IN_TOUCH YES)."
    ),
    sources=("oc3",),
)
def cl01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in touch (CL-01)."""
    units = cohort(ctx, dates)
    return units[["date", "CHILD"]].assign(numerator=units["in_touch"].astype(int), denominator=1)


@indicator(
    "CL-02",
    title="Care leavers in education, employment or training",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    definition=(
        "Of care leavers in the OC3 cohort of the financial year whom the LA was in touch "
        "with (IN_TOUCH YES), the percentage in education, employment or training (ACTIV "
        "F* full time or P* part time; G4-G6 are NEET)."
    ),
    sources=("oc3",),
)
def cl02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in touch who are in EET (CL-02)."""
    units = cohort(ctx, dates)
    units = units[units["in_touch"].to_numpy()]
    return units[["date", "CHILD"]].assign(numerator=units["eet"].astype(int), denominator=1)


@indicator(
    "CL-03",
    title="Care leavers in suitable accommodation",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    definition=(
        "Of care leavers in the OC3 cohort of the financial year whom the LA was in touch "
        "with (IN_TOUCH YES), the percentage in suitable accommodation (ACCOM code ending 1, "
        "or S; ending 2 or N is unsuitable)."
    ),
    sources=("oc3",),
)
def cl03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in touch who are suitably accommodated (CL-03)."""
    units = cohort(ctx, dates)
    units = units[units["in_touch"].to_numpy()]
    return units[["date", "CHILD"]].assign(numerator=units["suitable"].astype(int), denominator=1)
