"""Unaccompanied asylum-seeking children: UA-01 to UA-05 (indicators.md, "UASC").

UASC on a date D: the child is in uasc.csv and D < DUC (data-contract.md). Companion
measures carry a letter suffix: UA-03A (nationality of arrivals) and UA-05T (UASC
turning 18).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.data.dates import collection_year
from cpanalytics.measures import groups, reference
from cpanalytics.measures.derive import uasc_on
from cpanalytics.measures.indicators.children_in_care import (
    cached,
    child_codes,
    child_episodes,
    child_facts,
    in_care_units,
    in_window,
    is_uasc,
    period_starts,
    population_on,
    spread_over_rows,
)
from cpanalytics.measures.indicators.engine import Context
from cpanalytics.measures.indicators.registry import indicator


def nts_thresholds(ctx: Context, year: int) -> dict[pd.Timestamp, float]:
    """The NTS threshold table (start date -> share of the under-18 population) from
    :func:`cpanalytics.measures.reference.nts_thresholds` for reporting year ``year``."""
    return cached(ctx, f"ua.nts_threshold.{year}",
                  lambda: reference.nts_thresholds(ctx.data.config_roots, year))


def nts_rate(dates: pd.Series, thresholds: dict[pd.Timestamp, float]) -> pd.Series:
    """The NTS threshold rate in force on each date; NaN before the first start (the
    scheme began on 1 July 2016: no threshold before it)."""
    table = sorted(thresholds.items())
    starts = np.array([k.to_datetime64() for k, _ in table], dtype="datetime64[us]")
    rates = np.array([np.nan, *(v for _, v in table)])
    when = pd.to_datetime(dates).to_numpy().astype("datetime64[us]")
    return pd.Series(rates[np.searchsorted(starts, when, side="right")], index=dates.index)


def nts_rates(ctx: Context, dates: pd.Series) -> pd.Series:
    """:func:`nts_rate` on each date, from the configuration of the date's own reporting year."""
    years = collection_year(dates)
    out = pd.Series(np.nan, index=dates.index)
    for year in years.unique():
        chosen = (years == year).to_numpy()
        out[chosen] = nts_rate(dates[chosen], nts_thresholds(ctx, int(year))).to_numpy()
    return out


def population_in_year(ctx: Context, dates: pd.Series) -> pd.Series:
    """Under-18 population for each date: the ONS mid-year estimate of the date's calendar
    year, or the latest earlier one; NaN before the first estimate (never a later one)."""
    pop = pd.to_numeric(ctx.local("population")["YEAR"], errors="coerce").dropna()
    first = pop.min() if len(pop) else np.inf
    return population_on(ctx, dates).where(dates.dt.year >= first)


def uasc_in_care(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date with ``uasc`` (bool) on that date."""
    units = in_care_units(ctx, dates, ["CHILD", "child_no", "duc"], child_episodes(ctx))
    units = units.drop_duplicates(["date", "child_no"]).reset_index(drop=True)
    return units.assign(uasc=is_uasc(units))


@indicator(
    "UA-01",
    title="UASC in care and their share of children in care",
    polarity=None,
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "There were {numerator} unaccompanied asylum-seeking children (UASC) in care, {value} "
        "of all children in care"
    ),
    short="the number of unaccompanied asylum-seeking children in care",
    definition=(
        "Children looked after on the date (short breaks excluded) who are UASC on the date "
        "(in uasc.csv and before DUC): the numerator is their number, the value their "
        "percentage of all children in care. CIC-01 by='uasc' gives the same split as counts."
    ),
    plain=(
        "The number of unaccompanied asylum-seeking children in care on the date, and "
        "their share of all children in care."
    ),
    sources=("episodes", "uasc"),
)
def ua01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """UASC among children in care on each date (UA-01)."""
    units = uasc_in_care(ctx, dates)
    return units[["date", "CHILD"]].assign(numerator=units["uasc"].astype(int), denominator=1)


def arrivals(ctx: Context) -> pd.DataFrame:
    """Periods of care that started while the child was UASC, with age and month at arrival."""
    return cached(ctx, "ua.arrivals", lambda: _arrivals(ctx))


def _arrivals(ctx: Context) -> pd.DataFrame:
    periods = period_starts(ctx)[["CHILD", "start"]]
    periods = periods[uasc_on(ctx.derived.children, periods["CHILD"], periods["start"]).to_numpy()]
    kids = ctx.derived.children.set_index("CHILD")
    start = periods["start"]
    fy = start.dt.year - (start.dt.month < 4).astype(int)
    quarter = (start.dt.month - 4) % 12 // 3 + 1
    return periods.assign(
        month=start.dt.strftime("%Y-%m"),
        quarter=fy.astype(str) + "-" + ((fy + 1) % 100).astype(str).str.zfill(2)
        + " Q" + quarter.astype(str),
        age_at_arrival=groups.age_on(periods["CHILD"].map(kids["DOB"]), start),
        sex=periods["CHILD"].map(kids["sex"]).astype("str"),
    ).reset_index(drop=True)


@indicator(
    "UA-02",
    title="UASC starting care, by month, quarter, age at arrival and sex",
    polarity=None,
    period="R12M",
    kind="table",
    unit="count",
    phrase="{value} unaccompanied asylum-seeking children started care",
    definition=(
        "Periods of care (short breaks excluded, RNE S) that started in the 12 months ending "
        "on the date while the child was UASC, by month and financial quarter of arrival, age in "
        "completed years at arrival and sex. At 31 December the total is the calendar year; "
        "at 31 March, the financial year."
    ),
    plain=(
        "The unaccompanied asylum-seeking children who came into care in the last 12 "
        "months, by quarter, their age when they arrived and sex."
    ),
    sources=("episodes", "uasc", "header"),
    categories=("month", "quarter", "age_at_arrival", "sex"),
)
def ua02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """UASC arrivals in the last 12 months (UA-02)."""
    units = in_window(arrivals(ctx), "start", dates, "R12M")
    return units[["date", "CHILD", "ref_date", "month", "quarter", "age_at_arrival", "sex"]]


def _nationality(ctx: Context, codes: np.ndarray) -> np.ndarray:
    """Nationality label of each child code (title case; blank: Not recorded)."""
    labels = cached(ctx, "ua.nationality", lambda: child_facts(ctx)["nationality"].astype("str")
                    .str.strip().str.title().fillna("Not recorded").to_numpy())
    return labels[codes]


@indicator(
    "UA-03",
    title="Nationality of UASC in care",
    polarity=None,
    period="SS",
    kind="table",
    unit="count",
    definition=(
        "UASC looked after on the date by NATIONALITY in local/child_attributes.csv "
        "(blank: Not recorded)."
    ),
    plain=(
        "The unaccompanied asylum-seeking children in care on the date, by nationality."
    ),
    sources=("episodes", "uasc"),
    needs=("child_attributes",),
    categories=("nationality",),
)
def ua03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Nationality of UASC in care on each date (UA-03)."""
    units = uasc_in_care(ctx, dates)
    units = units[units["uasc"].to_numpy()]
    return units[["date", "CHILD"]].assign(
        nationality=_nationality(ctx, units["child_no"].to_numpy()))


@indicator(
    "UA-03A",
    title="Nationality of UASC arriving in the last 12 months",
    polarity=None,
    period="R12M",
    kind="table",
    unit="count",
    definition=(
        "Periods of care (RNE S) started in the 12 months ending on the date while the child was "
        "UASC, by NATIONALITY in local/child_attributes.csv (blank: Not recorded)."
    ),
    plain=(
        "The unaccompanied asylum-seeking children who came into care in the last 12 "
        "months, by nationality."
    ),
    sources=("episodes", "uasc"),
    needs=("child_attributes",),
    categories=("nationality",),
)
def ua03a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Nationality of UASC arrivals in the last 12 months (UA-03A)."""
    units = in_window(arrivals(ctx), "start", dates, "R12M")
    return units[["date", "CHILD", "ref_date"]].assign(
        nationality=_nationality(ctx, child_codes(ctx, units["CHILD"])))


@indicator(
    "UA-04",
    title="UASC in care against the National Transfer Scheme threshold",
    polarity=None,
    period="SS",
    kind="rate",
    unit="% of threshold",
    phrase=(
        "The UASC in care were {value} of the National Transfer Scheme threshold of "
        "{denominator} children"
    ),
    definition=(
        "UASC looked after on the date (numerator) as a percentage of the National Transfer "
        "Scheme threshold (denominator): the under-18 population times the rate in force on "
        "the date, by default 0.07% from the scheme's start on 1 July 2016 and 0.1% from 24 "
        "August 2022 (configurable: nts_threshold in config/targets-<YYYY>.yaml). There is "
        "no threshold before the scheme began. The population is the ONS mid-year estimate "
        "in population.csv for the calendar year of the date, or the latest earlier one, "
        "never a later one."
    ),
    plain=(
        "The unaccompanied asylum-seeking children in care as a share of the council's "
        "threshold under the National Transfer Scheme (0.1% of the area's children). A "
        "council above its threshold can ask for new arrivals to be transferred to "
        "other councils."
    ),
    sources=("episodes", "uasc"),
    needs=("population",),
    assumptions=("nts-threshold",),
)
def ua04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """UASC in care as a share of the NTS threshold (UA-04)."""
    units = uasc_in_care(ctx, dates)
    threshold = population_in_year(ctx, units["date"]) * nts_rates(ctx, units["date"])
    return units[["date", "CHILD"]].assign(
        numerator=units["uasc"].astype(int), denominator=spread_over_rows(units, threshold))


#: Care leaver (DfE; Children Act 1989 sch. 2 para 19B, Care Leavers (England) Regulations
#: 2010): looked after for 13 weeks in all after the 14th birthday, ending at 16 or over.
LEAVER_MIN_DAYS = 13 * 7


def former_uasc_leavers(ctx: Context) -> pd.DataFrame:
    """Children ever in uasc.csv who are care leavers by the DfE definition, with the date
    they left and their 18th and 22nd birthdays (built once)."""
    return cached(ctx, "ua.former_uasc_leavers", lambda: _former_uasc_leavers(ctx))


def _former_uasc_leavers(ctx: Context) -> pd.DataFrame:
    kids = ctx.derived.children.set_index("CHILD")
    periods = ctx.derived.periods.sort_values(["CHILD", "start"], kind="stable")
    periods = periods[periods["CHILD"].map(kids["uasc_ever"]).to_numpy(dtype=bool, na_value=False)]
    dob = periods["CHILD"].map(kids["DOB"])
    age14 = dob + pd.DateOffset(years=14)
    from14 = periods["start"].where(periods["start"] > age14, age14)
    days = (periods["end"] - from14).dt.days.clip(lower=0)
    total = days.groupby(periods["CHILD"]).sum()
    last = periods.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    dob = last.index.to_series().map(kids["DOB"])
    leaver = (last["end"].notna() & (last["end"] >= dob + pd.DateOffset(years=16))
              & total.reindex(last.index).ge(LEAVER_MIN_DAYS))
    last = last[leaver.to_numpy(dtype=bool, na_value=False)]
    dob = dob[last.index]
    return pd.DataFrame({
        "CHILD": last.index, "left": last["end"].to_numpy(),
        "age18": (dob + pd.DateOffset(years=18)).to_numpy(),
        "age22": (dob + pd.DateOffset(years=22)).to_numpy(),
    })


@indicator(
    "UA-05",
    title="UASC care leavers",
    polarity=None,
    period="SS",
    kind="count",
    unit="count",
    phrase=(
        "There were {value} care leavers who came into care as unaccompanied asylum-seeking "
        "children"
    ),
    definition=(
        "Young people aged 18 to 21 on the date who are in uasc.csv (formerly UASC), are not "
        "looked after on the date, and are care leavers as the DfE defines them (former "
        "relevant children): looked after for at least 13 weeks in all after their 14th "
        "birthday, and left their last period of care aged 16 or over. Short breaks do not "
        "count. Leaving-care support to 25 on request is not in the 903."
    ),
    plain=(
        "The young people aged 18 to 21 who came into care as unaccompanied "
        "asylum-seeking children and are now care leavers."
    ),
    sources=("episodes", "uasc", "header"),
    assumptions=("uasc-care-leavers",),
)
def ua05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Former UASC care leavers aged 18-21 on each date (UA-05)."""
    pairs = former_uasc_leavers(ctx).merge(pd.DataFrame({"date": dates}), how="cross")
    hit = (pairs["left"] <= pairs["date"]) & (pairs["age18"] <= pairs["date"]) & (
        pairs["age22"] > pairs["date"])
    return pairs.loc[hit.to_numpy(dtype=bool), ["CHILD", "date"]].reset_index(drop=True)


@indicator(
    "UA-05T",
    title="UASC turning 18 in care",
    polarity=None,
    period="FY",
    kind="count",
    unit="count",
    phrase="{value} unaccompanied asylum-seeking children turned 18 while in care",
    definition=(
        "Children who were UASC and looked after on the day before their 18th birthday, "
        "where that birthday fell between 1 April and the date."
    ),
    plain=(
        "The unaccompanied asylum-seeking children who turned 18 while in care during "
        "the year."
    ),
    sources=("episodes", "uasc", "header"),
)
def ua05t(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """UASC turning 18 while in care in the financial year to date (UA-05T)."""
    units = in_window(cached(ctx, "ua.turning_18", lambda: _turning_18(ctx)), "birthday", dates, "FY")
    return units[["date", "CHILD"]].assign(ref_date=units["eve"])


def _turning_18(ctx: Context) -> pd.DataFrame:
    """UASC in care on the day before their 18th birthday: CHILD, ``eve``, ``birthday``."""
    kids = ctx.derived.children
    kids = kids[kids["uasc_ever"].to_numpy(dtype=bool)]
    eve = kids["DOB"] + pd.DateOffset(years=18) - pd.Timedelta(days=1)
    turning = pd.DataFrame({"CHILD": kids["CHILD"], "eve": eve,
                            "birthday": eve + pd.Timedelta(days=1)})
    turning = turning[(turning["eve"] < kids["duc"]).to_numpy(dtype=bool, na_value=False)]
    periods = ctx.derived.periods[["CHILD", "start", "end"]]
    both = turning.merge(periods, on="CHILD")
    in_care = (both["start"] <= both["eve"]) & (both["end"].isna() | (both["end"] > both["eve"]))
    return both[in_care.to_numpy(dtype=bool, na_value=False)].drop_duplicates("CHILD")
