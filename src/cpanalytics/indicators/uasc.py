"""Unaccompanied asylum-seeking children: UA-01 to UA-05 (indicators.md, "UASC").

UASC on a date D: the child is in uasc.csv and D < DUC (data-contract.md). Companion
measures carry a letter suffix: UA-03A (nationality of arrivals) and UA-05T (UASC
turning 18).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics import config, groups
from cpanalytics.derive import uasc_on
from cpanalytics.indicators.children_in_care import (
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
from cpanalytics.indicators.engine import Context
from cpanalytics.indicators.registry import indicator


def nts_thresholds(ctx: Context, as_at: pd.Timestamp) -> dict[pd.Timestamp, float]:
    """The NTS threshold table (start date -> share of the under-18 population) from
    :func:`cpanalytics.config.load` for the reporting year of ``as_at``: the packaged
    targets.yaml ``nts_threshold``, overridden by the data root's targets-<YYYY>.yaml."""
    year = config.reporting_year(as_at)
    return cached(ctx, f"ua.nts_threshold.{year}",
                  lambda: config.load(ctx.data.root, year).nts_threshold)


def nts_rate(dates: pd.Series, thresholds: dict[pd.Timestamp, float]) -> pd.Series:
    """The NTS threshold rate in force on each date (the first rate for earlier dates)."""
    table = sorted(thresholds.items())
    starts = np.array([k.to_datetime64() for k, _ in table], dtype="datetime64[us]")
    rates = np.array([v for _, v in table])
    when = pd.to_datetime(dates).to_numpy().astype("datetime64[us]")
    pos = np.clip(np.searchsorted(starts, when, side="right") - 1, 0, None)
    return pd.Series(rates[pos], index=dates.index)


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
    definition=(
        "Children looked after on the date (short breaks excluded) who are UASC on the date "
        "(in uasc.csv and before DUC): the numerator is their number, the value their "
        "percentage of all children in care. CIC-01 by='uasc' gives the same split as counts."
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
    definition=(
        "Periods of care (short breaks excluded, RNE S) that started in the 12 months ending "
        "on the date while the child was UASC, by month and financial quarter of arrival, age in "
        "completed years at arrival and sex. At 31 December the total is the calendar year; "
        "at 31 March, the financial year."
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
    definition=(
        "UASC looked after on the date (numerator) as a percentage of the National Transfer "
        "Scheme threshold (denominator): the under-18 population (population.csv) times the "
        "rate in force on the date, by default 0.07% from July 2016 and 0.1% from December "
        "2021 (configurable: nts_threshold in config/targets-<YYYY>.yaml)."
    ),
    sources=("episodes", "uasc"),
    needs=("population",),
)
def ua04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """UASC in care as a share of the NTS threshold (UA-04)."""
    units = uasc_in_care(ctx, dates)
    rates = nts_rate(units["date"], nts_thresholds(ctx, dates.max()))
    threshold = population_on(ctx, units["date"]) * rates
    return units[["date", "CHILD"]].assign(
        numerator=units["uasc"].astype(int), denominator=spread_over_rows(units, threshold))


def former_uasc_leavers(ctx: Context) -> pd.DataFrame:
    """Children ever in uasc.csv whose last period of care ended on or after their 16th
    birthday, with the date they left and their 18th and 22nd birthdays (built once)."""
    return cached(ctx, "ua.former_uasc_leavers", lambda: _former_uasc_leavers(ctx))


def _former_uasc_leavers(ctx: Context) -> pd.DataFrame:
    periods = ctx.derived.periods.sort_values(["CHILD", "start"], kind="stable")
    last = periods.drop_duplicates("CHILD", keep="last")
    kids = ctx.derived.children.set_index("CHILD")
    last = last[last["CHILD"].map(kids["uasc_ever"]).to_numpy(dtype=bool, na_value=False)]
    last = last[last["end"].notna().to_numpy()]
    dob = last["CHILD"].map(kids["DOB"])
    left_16 = (last["end"] >= dob + pd.DateOffset(years=16)).to_numpy(dtype=bool, na_value=False)
    return pd.DataFrame({
        "CHILD": last["CHILD"], "left": last["end"],
        "age18": dob + pd.DateOffset(years=18), "age22": dob + pd.DateOffset(years=22),
    })[left_16].reset_index(drop=True)


@indicator(
    "UA-05",
    title="UASC care leavers",
    polarity=None,
    period="SS",
    kind="count",
    unit="count",
    definition=(
        "Young people aged 18 to 21 on the date (former relevant children: leaving-care "
        "duties to 21; support to 25 on request is not in the 903) who are in uasc.csv "
        "(formerly UASC), left "
        "their last period of care aged 16 or over on or before the date, and are not "
        "looked after on the date."
    ),
    sources=("episodes", "uasc", "header"),
)
def ua05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Former UASC care leavers aged 18-21 on each date (UA-05)."""
    leavers = former_uasc_leavers(ctx)
    left, age18, age22 = (leavers[c].to_numpy().astype("datetime64[us]")
                          for c in ("left", "age18", "age22"))
    rows, when = [], []
    for date in dates:
        d = date.to_datetime64().astype("datetime64[us]")
        hit = np.flatnonzero((left <= d) & (age18 <= d) & (age22 > d))
        rows.append(hit)
        when.append(np.full(len(hit), d))
    return pd.DataFrame({"CHILD": leavers["CHILD"].to_numpy()[np.concatenate(rows)],
                         "date": np.concatenate(when)})


@indicator(
    "UA-05T",
    title="UASC turning 18 in care",
    polarity=None,
    period="FY",
    kind="count",
    unit="count",
    definition=(
        "Children who were UASC and looked after on the day before their 18th birthday, "
        "where that birthday fell between 1 April and the date."
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
