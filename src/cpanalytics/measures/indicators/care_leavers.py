"""Care leavers: CL-01 to CL-03 from the OC3 return (indicators.md, "Care leavers").

The OC3 cohort of a collection year is the care leavers whose 17th to 21st birthday fell
in that year; oc3.csv rows carry the YEAR of the return. A date uses the return of the
financial year containing it (31 March 2019 and 31 December 2018 both use YEAR 2019).

CL-01 to CL-03 follow the DfE "Children looked after in England" statistics: shares of
every care leaver in the cohort, leaving out young people who died, who returned home
for 6 months or more (RHOM), who were looked after only under short breaks, or whose care
was taken over by another LA. Companions CL-02A/B and CL-03A/B are the DfE's age groups
(17th or 18th birthday in the year; 19th to 21st). CL-02L and CL-03L are the seed
scorecard's local variants "of those in touch", never compared with England.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cpanalytics.data.dates import collection_year
from cpanalytics.measures import groups
from cpanalytics.measures.indicators.engine import Context
from cpanalytics.measures.indicators.registry import UnitFunction, indicator
from cpanalytics.measures.indicators.windows import cached

#: REC meaning care was taken over by another local authority (SSDA903 guidance).
TRANSFERRED_REC = "E3"
#: The DfE's care-leaver age groups: age on 31 March of the year (the birthday in the year).
AGE_GROUPS = {"A": ("aged 17 to 18", "17th or 18th", 17, 18),
              "B": ("aged 19 to 21", "19th to 21st", 19, 21)}

_COHORT_TEXT = (
    "care leavers in the OC3 cohort of the financial year (17th to 21st birthday in the "
    "year, UASC included), leaving out young people who died (IN_TOUCH DIED), returned home "
    "for 6 months or more (RHOM), were looked after only under short breaks, or whose care "
    "was taken over by another local authority (REC E3)"
)
_EET_TEXT = "in education, employment or training (ACTIV F* full time or P* part time; G4-G6 are not)"
_SUITABLE_TEXT = (
    "in suitable accommodation (ACCOM a letter then 1; a letter then 2 is unsuitable)"
)


def oc3_flags(ctx: Context) -> pd.DataFrame:
    """OC3 rows of the DfE cohort, one per child and YEAR, with ``age`` (on 31 March of the
    year), ``in_touch``, ``eet`` and ``suitable`` (built once)."""
    return cached(ctx, "cl.oc3_flags", lambda: _flags(ctx))


def _flags(ctx: Context) -> pd.DataFrame:
    oc3 = ctx.data.oc3
    child = oc3["CHILD"].astype("str").str.strip()
    year = (pd.to_numeric(oc3["YEAR"], errors="coerce").astype("float64") if "YEAR" in oc3
            else pd.Series(np.nan, index=oc3.index))
    header_dob = child.map(ctx.derived.children.set_index("CHILD")["DOB"])
    dob = pd.to_datetime(oc3["DOB"]).fillna(header_dob) if "DOB" in oc3 else header_dob
    year_end = pd.to_datetime(year.astype("Int64").astype("str") + "-03-31", errors="coerce")
    out = pd.DataFrame({
        "YEAR": year,
        "CHILD": child,
        "age": groups.age_on(dob, year_end),
        "in_touch": oc3["IN_TOUCH"].astype("str").str.strip().str.upper().eq("YES"),
        "eet": groups.oc3_eet(oc3["ACTIV"]),
        "suitable": groups.oc3_suitable(oc3["ACCOM"]),
        "kept": groups.oc3_in_cohort(oc3["IN_TOUCH"]),
    }).drop_duplicates(["YEAR", "CHILD"], keep="last")
    left_out = out["CHILD"].isin(_short_breaks_only(ctx) | _transferred(ctx))
    aged = out["age"].isna() | out["age"].between(17, 21)
    keep = out["kept"] & ~left_out & aged.to_numpy(dtype=bool, na_value=False)
    return out[keep.to_numpy()].drop(columns="kept").reset_index(drop=True)


def _short_breaks_only(ctx: Context) -> set[str]:
    """Children whose every loaded episode is under short breaks (LS V3/V4)."""
    ep = ctx.data.episodes
    child = ep["CHILD"].astype("str").str.strip()
    other = ~ep["LS"].astype("str").str.strip().isin(groups.SHORT_BREAK_LS)
    return set(child) - set(child[other.to_numpy()])


def _transferred(ctx: Context) -> set[str]:
    """Children whose last period of care ended with care taken over by another LA (REC E3)."""
    periods = ctx.derived.periods.sort_values(["CHILD", "start"], kind="stable")
    last = periods.drop_duplicates("CHILD", keep="last")
    return set(last.loc[last["last_rec"].eq(TRANSFERRED_REC).to_numpy(dtype=bool), "CHILD"])


def cohort(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """The DfE cohort of the collection year containing each date, one row per child, with
    ``age``, ``in_touch``, ``eet`` and ``suitable``."""
    years = pd.DataFrame({"date": dates,
                          "YEAR": collection_year(pd.Series(dates)).astype("float64").to_numpy()})
    return years.merge(oc3_flags(ctx), on="YEAR")


def _share(units: pd.DataFrame, flag: str) -> pd.DataFrame:
    return units[["date", "CHILD"]].assign(numerator=units[flag].astype(int), denominator=1)


@indicator(
    "CL-01",
    title="Care leavers in touch",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    phrase="{value} of care leavers were in touch with the local authority",
    short="the share of care leavers in touch",
    kpi=True,
    definition=(
        f"Of {_COHORT_TEXT}, the percentage the local authority was in touch with "
        "(IN_TOUCH YES)."
    ),
    plain=(
        "Of the care leavers who turned 17 to 21 during the year, the share the council "
        "was in touch with around their birthday."
    ),
    sources=("oc3", "episodes"),
    assumptions=("care-leaver-cohort",),
)
def cl01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in touch, of the DfE cohort (CL-01)."""
    return _share(cohort(ctx, dates), "in_touch")


@indicator(
    "CL-02",
    title="Care leavers in education, employment or training",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    phrase="{value} of care leavers were in education, employment or training",
    short="the share of care leavers in education, employment or training",
    kpi=True,
    definition=(
        f"Of all {_COHORT_TEXT}, the percentage {_EET_TEXT}. Young people not in touch "
        "count as not in education, employment or training, as in DfE statistics."
    ),
    plain=(
        "Of all the care leavers who turned 17 to 21 during the year, the share in "
        "education, employment or training. Young people the council was not in touch "
        "with count as not known, as in the England figures."
    ),
    sources=("oc3", "episodes"),
    assumptions=("care-leaver-cohort",),
)
def cl02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in education, employment or training, of the DfE cohort (CL-02)."""
    return _share(cohort(ctx, dates), "eet")


@indicator(
    "CL-03",
    title="Care leavers in suitable accommodation",
    polarity="H",
    period="FY",
    kind="rate",
    unit="%",
    phrase="{value} of care leavers were in suitable accommodation",
    short="the share of care leavers in suitable accommodation",
    kpi=True,
    definition=(
        f"Of all {_COHORT_TEXT}, the percentage {_SUITABLE_TEXT}. Young people not in touch "
        "count as not in suitable accommodation, as in DfE statistics."
    ),
    plain=(
        "Of all the care leavers who turned 17 to 21 during the year, the share living "
        "in suitable accommodation."
    ),
    sources=("oc3", "episodes"),
    assumptions=("care-leaver-cohort",),
)
def cl03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care leavers in suitable accommodation, of the DfE cohort (CL-03)."""
    return _share(cohort(ctx, dates), "suitable")


def _variant(flag: str, subset: Callable[[pd.DataFrame], pd.Series]) -> UnitFunction:
    """CL-02 or CL-03 over the part of the DfE cohort that ``subset`` picks."""
    def units(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
        rows = cohort(ctx, dates)
        return _share(rows[subset(rows).to_numpy(dtype=bool, na_value=False)], flag)
    return units


def _aged(low: int, high: int) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda rows: rows["age"].between(low, high)


#: Suffix -> (title, definition, rows): the DfE age groups, then the local in-touch measures.
_VARIANTS: dict[str, tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = {
    **{suffix: (f"Care leavers {ages} {{what}}",
                f"As {{base}}, for care leavers {ages} ({birthdays} birthday in the year), an "
                f"age group the DfE publishes: of all {_COHORT_TEXT}, the percentage {{text}}.",
                _aged(low, high))
       for suffix, (ages, birthdays, low, high) in AGE_GROUPS.items()},
    "L": ("Care leavers in touch {what} (local measure)",
          f"Local measure, not comparable with England: of {_COHORT_TEXT}, those the local "
          "authority was in touch with (IN_TOUCH YES), the percentage {text}.",
          lambda rows: rows["in_touch"]),
}

#: The age-group and local measures in plain English (the registry's ``plain``).
_VARIANT_PLAIN: dict[str, str] = {
    "CL-02A": "The share of care leavers aged 17 and 18 in education, employment or training.",
    "CL-02B": "The share of care leavers aged 19 to 21 in education, employment or training.",
    "CL-02L": (
        "A local measure: of the care leavers the council was in touch with, the share in "
        "education, employment or training. It is not comparable with England."
    ),
    "CL-03A": "The share of care leavers aged 17 and 18 in suitable accommodation.",
    "CL-03B": "The share of care leavers aged 19 to 21 in suitable accommodation.",
    "CL-03L": (
        "A local measure: of the care leavers the council was in touch with, the share in "
        "suitable accommodation. It is not comparable with England."
    ),
}

for _base, _flag, _what, _text in (("CL-02", "eet", "in education, employment or training",
                                    _EET_TEXT),
                                   ("CL-03", "suitable", "in suitable accommodation",
                                    _SUITABLE_TEXT)):
    for _suffix, (_title, _definition, _rows) in _VARIANTS.items():
        _who = AGE_GROUPS[_suffix][0] if _suffix in AGE_GROUPS else "in touch"
        indicator(
            f"{_base}{_suffix}",
            title=_title.format(what=_what),
            polarity="H",
            period="FY",
            kind="rate",
            unit="%",
            phrase=f"{{value}} of care leavers {_who} were {_what}",
            short=f"the share of care leavers in touch {_what}" if _suffix == "L" else None,
            kpi=_suffix == "L",
            definition=_definition.format(base=_base, text=_text),
            plain=_VARIANT_PLAIN[f"{_base}{_suffix}"],
            sources=("oc3", "episodes"),
            assumptions=("care-leaver-cohort",),
        )(_variant(_flag, _rows))
