"""Health: HE-01 to HE-06 (indicators.md, "Health" and "Precise definitions for the
timeliness measures").

Each period of care (short breaks excluded) is matched to its initial health assessment:
the first TYPE IHA record of the child whose DATE_REQUESTED (or, when blank,
DATE_COMPLETED) is on or after the period start and before the child's next period start.
A period with no such record has no request and no IHA, so it is never in time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from cpanalytics.measures import groups
from cpanalytics.measures.derive import KEY_SPAN, day_numbers, latest_on_or_before
from cpanalytics.measures.indicators.engine import Context, window_start
from cpanalytics.measures.indicators.registry import indicator
from cpanalytics.measures.indicators.windows import cached, events_in_window, in_care_periods
from cpanalytics.measures.workdays import add_working_days

REQUEST_WORKING_DAYS = 5
IHA_WORKING_DAYS = 20
OUTCOMES = ("In time", "Breach: LA", "Breach: health", "Breach: not recorded")
TIMELINESS = ("Within timescale", "Outside timescale", "No date recorded")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
_BREACH_BY = {"LA": "Breach: LA", "HEALTH": "Breach: health"}


def _assessments(ctx: Context, types: tuple[str, ...]) -> pd.DataFrame:
    """Health assessment records of the given TYPEs, cleaned once per data set."""
    out = cached(ctx, "health.assessments",
                 lambda: _clean_assessments(ctx.local("health_assessments")))
    return out[out["TYPE"].isin(types).to_numpy(dtype=bool)]


def _clean_assessments(ha: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "CHILD": ha["CHILD"].astype("str").str.strip(),
        "TYPE": ha["TYPE"].astype("str").str.strip().str.upper(),
        "DATE_REQUESTED": ha["DATE_REQUESTED"].astype("datetime64[us]"),
        "DATE_COMPLETED": ha["DATE_COMPLETED"].astype("datetime64[us]"),
        "DELAY_REASON": ha["DELAY_REASON"].astype("str").str.strip(),
        "BREACH_BY": ha["BREACH_BY"].astype("str").str.strip().str.upper(),
    })


def iha_cohort(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its IHA record, due dates and timeliness (cached)."""
    return cached(ctx, "health.iha_cohort", lambda: _iha_cohort(ctx))


def _iha_cohort(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its IHA record, due dates and timeliness.

    Columns: ``CHILD``, ``period_id``, ``start``, ``request_due`` (5 working days after the
    start), ``iha_due`` (20 working days), ``request_in_time``, ``iha_in_time``,
    ``completed`` (an IHA date recorded), ``outcome``, ``delay_reason``, ``quarter`` (of
    the IHA due date, April = Q1), ``age_at_entry``, ``legal_status_at_entry``.
    """
    per = ctx.derived.periods[["period_id", "CHILD", "start", "first_ls", "start_known"]].copy()
    per["start"] = per["start"].astype("datetime64[us]")
    per = per.sort_values(["CHILD", "start"], kind="stable")
    per["next_start"] = per.groupby("CHILD", sort=False)["start"].shift(-1)
    # Only periods that start in the data (start_known): a period the data join part-way
    # through started earlier, so its IHA clock is unknown.
    per = per[per.pop("start_known").to_numpy(dtype=bool)]
    iha = _assessments(ctx, ("IHA",))
    iha = iha.assign(anchor=iha["DATE_REQUESTED"].fillna(iha["DATE_COMPLETED"]))
    iha = iha.dropna(subset=["anchor"]).sort_values("anchor", kind="stable").drop(columns="TYPE")
    both = pd.merge_asof(per.sort_values("start", kind="stable"), iha, left_on="start",
                         right_on="anchor", by="CHILD", direction="forward")
    other_period = both["next_start"].notna() & (both["anchor"] >= both["next_start"])
    both.loc[other_period.to_numpy(dtype=bool), ["DATE_REQUESTED", "DATE_COMPLETED"]] = pd.NaT
    both.loc[other_period.to_numpy(dtype=bool), ["DELAY_REASON", "BREACH_BY"]] = "nan"
    both["request_due"] = add_working_days(both["start"], REQUEST_WORKING_DAYS)
    both["iha_due"] = add_working_days(both["start"], IHA_WORKING_DAYS)
    both["request_in_time"] = (both["DATE_REQUESTED"] <= both["request_due"]).to_numpy(
        dtype=bool, na_value=False)
    both["iha_in_time"] = (both["DATE_COMPLETED"] <= both["iha_due"]).to_numpy(
        dtype=bool, na_value=False)
    both["completed"] = both["DATE_COMPLETED"].notna()
    breach = both["BREACH_BY"].map(_BREACH_BY).fillna("Breach: not recorded")
    both["outcome"] = pd.Categorical(breach.where(~both["iha_in_time"], "In time"),
                                     categories=OUTCOMES)
    reason = both["DELAY_REASON"].where(~both["DELAY_REASON"].isin(["nan", "", "None"]))
    both["delay_reason"] = reason.fillna("Not recorded")
    quarter = ((both["iha_due"].dt.month - 4) % 12) // 3
    # pandas takes any list-like of categories; pandas-stubs only an Index
    both["quarter"] = pd.Categorical.from_codes(quarter.to_numpy(dtype=int),
                                                categories=cast("pd.Index[str]", QUARTERS))
    dob = both["CHILD"].map(ctx.derived.children.set_index("CHILD")["DOB"])
    both["age_at_entry"] = groups.age_band(groups.age_on(dob, both["start"]))
    both["legal_status_at_entry"] = groups.legal_status_group(both["first_ls"])
    timeliness = np.select([both["iha_in_time"], both["completed"]], list(TIMELINESS[:2]),
                           TIMELINESS[2])
    both["timeliness"] = pd.Categorical(timeliness, categories=TIMELINESS)
    return both.drop(columns=["anchor", "next_start"]).reset_index(drop=True)


def _iha_units(
    ctx: Context, dates: pd.DatetimeIndex, due: str, period: str, columns: list[str]
) -> pd.DataFrame:
    """Periods whose ``due`` date falls in the window: CHILD, ref_date (start) and ``columns``."""

    def slim() -> pd.DataFrame:
        cohort = iha_cohort(ctx)
        out = cohort[["CHILD", due, *columns]].assign(ref_date=cohort["start"])
        return out.sort_values(due, kind="stable").reset_index(drop=True)

    rows = cached(ctx, f"health.iha.{due}.{'.'.join(columns)}", slim)
    return events_in_window(rows, due, dates, period)


@indicator(
    "HE-01",
    title="IHA requests sent to health within 5 working days of becoming looked after",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of Initial Health Assessment requests were sent to health within 5 working "
        "days of the child becoming looked after"
    ),
    short="the share of health assessment requests sent on time",
    kpi=True,
    definition=(
        "Of periods of care starting in the data (RNE S; short breaks excluded) whose IHA "
        "request fell due in the 12 months "
        "ending on the date (due 5 working days after the start), the percentage where the IHA "
        "was requested on or before the due date."
    ),
    plain=(
        "Of the children who came into care, the share whose request for an initial "
        "health assessment was sent to the health service within 5 working days."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    assumptions=("iha-matching", "period-start-unknown"),
)
def he01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Starters whose request fell due in the window; in time when requested by then (HE-01)."""
    units = _iha_units(ctx, dates, "request_due", "R12M", ["request_in_time"])
    return units.assign(numerator=units["request_in_time"].astype(int), denominator=1)


@indicator(
    "HE-02",
    title="Initial health assessments within 20 working days of becoming looked after",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of Initial Health Assessments were completed within 20 working days of the "
        "child becoming looked after"
    ),
    short="the share of Initial Health Assessments done on time",
    kpi=True,
    definition=(
        "Of periods of care starting in the data (RNE S; short breaks excluded) whose initial "
        "health assessment fell due in "
        "the 12 months ending on the date (due 20 working days after the start), the percentage "
        "completed on or before the due date; no completion date means not in time."
    ),
    plain=(
        "Of the children who came into care, the share who had their initial health "
        "assessment (a full health check by a doctor) within 20 working days, as the "
        "statutory guidance requires."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    assumptions=("iha-matching", "period-start-unknown"),
)
def he02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Starters whose IHA fell due in the window; in time when completed by then (HE-02)."""
    units = _iha_units(ctx, dates, "iha_due", "R12M", ["iha_in_time"])
    return units.assign(numerator=units["iha_in_time"].astype(int), denominator=1)


@indicator(
    "HE-03",
    title="Initial health assessments by quarter and responsibility for breaches",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "IHAs due in the financial year (20 working days after a period of care started) by "
        "quarter of the due date and outcome: in time, or a breach due to the LA, to health, "
        "or not recorded (BREACH_BY). Split by UASC/citizen at entry with by='uasc'."
    ),
    plain=(
        "The initial health assessments due in the year, by quarter and by whether they "
        "were done in time; when late, whether the delay was the council's or the "
        "health service's."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    categories=("quarter", "outcome"),
    assumptions=("iha-matching",),
)
def he03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """IHAs due in the FY by quarter and outcome (HE-03)."""
    return _iha_units(ctx, dates, "iha_due", "FY", ["quarter", "outcome"])


@indicator(
    "HE-03a",
    title="Initial health assessment breaches by reason for delay",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "IHAs due in the financial year and not completed within 20 working days, by the "
        "recorded reason for delay (DELAY_REASON)."
    ),
    plain=(
        "The initial health assessments that were late, by the reason recorded for the "
        "delay."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    categories=("delay_reason",),
    assumptions=("iha-matching",),
)
def he03a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """IHA breaches in the FY by delay reason (HE-03a)."""
    units = _iha_units(ctx, dates, "iha_due", "FY", ["iha_in_time", "delay_reason"])
    return units[~units["iha_in_time"].to_numpy(dtype=bool)]


@indicator(
    "HE-03b",
    title="Initial health assessment timeliness by age and legal status at entry",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "IHAs due in the financial year by the child's age band and legal status group when "
        "the period of care started, and timeliness: within 20 working days, outside, or no "
        "completion date recorded."
    ),
    plain=(
        "The initial health assessments due in the year, by the child's age and legal "
        "status when they came into care, and whether they were done in time."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    categories=("age_at_entry", "legal_status_at_entry", "timeliness"),
    assumptions=("iha-matching",),
)
def he03b(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """IHAs due in the FY by age band x legal status at entry x timeliness (HE-03b)."""
    return _iha_units(ctx, dates, "iha_due", "FY",
                      ["age_at_entry", "legal_status_at_entry", "timeliness"])


#: The 12-month rule in plain words (DfE OC2 cohort), shared by HE-04 and HE-05.
_TWELVE_MONTHS = (
    "in care since the day after the same date a year before, or earlier, as the DfE counts "
    "it: on 31 March 2019, since 1 April 2018 or earlier"
)


def _long_stay(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on the date, looked after continuously for the 12 months ending on it.

    As the DfE OC2 cohort: the period began on or before the first day of those 12 months
    (on 31/03/2019, on or before 01/04/2018), or before the data began.
    """
    cic = in_care_periods(ctx, dates)
    since = window_start(cic["date"], "R12M").to_numpy()
    long_stay = (cic["period_start"].to_numpy() <= since) | _began_before_data(ctx, cic["period_id"])
    return cic[long_stay].reset_index(drop=True)


def _began_before_data(ctx: Context, period_id: pd.Series) -> np.ndarray:
    """Whether each period began before the data (``start_known`` False: its true start is
    unknown), so it counts as under way before any 12-month window."""
    per = ctx.derived.periods
    unknown = cached(ctx, "health.began_before_data", lambda: pd.Series(
        ~per["start_known"].to_numpy(dtype=bool), index=per["period_id"]))
    return unknown.reindex(period_id).to_numpy(dtype=bool, na_value=False)


def _completion_keys(ctx: Context, types: tuple[str, ...]) -> np.ndarray:
    """Sorted keys child_no * 2**20 + day for every completed assessment of ``types``."""

    def build() -> np.ndarray:
        done = _assessments(ctx, types).dropna(subset=["DATE_COMPLETED"])
        child_no = pd.Index(ctx.derived.children["CHILD"]).get_indexer(done["CHILD"])
        keys = child_no.astype("int64") * KEY_SPAN + day_numbers(done["DATE_COMPLETED"])
        return np.sort(keys[child_no >= 0])

    return cached(ctx, "health.done." + ".".join(types), build)


def _last_completed(units: pd.DataFrame, keys: np.ndarray) -> np.ndarray:
    """Day number of the child's latest completion on or before each unit's date (or -2**40)."""
    child = units["child_no"].to_numpy(dtype="int64")
    idx = latest_on_or_before(keys, child, day_numbers(units["date"]))
    if not len(keys):
        return np.full(len(child), -(1 << 40))
    return np.where(idx >= 0, keys[np.clip(idx, 0, None)] - child * KEY_SPAN, -(1 << 40))


@indicator(
    "HE-04",
    title="Review health assessments in timescale",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of review health assessments were in timescale",
    kpi=True,
    definition=(
        "Of children in care on the date who have been looked after continuously for the 12 "
        "months ending on it (" + _TWELVE_MONTHS + "), the percentage whose latest health "
        "assessment (RHA or IHA) was completed within the last 6 months (children under 5 on "
        "the date) or 12 months (aged 5 and over)."
    ),
    plain=(
        "Of the children in care for at least a year, the share whose latest health "
        "assessment is up to date: done within the last 6 months for children under 5, "
        "and the last 12 months for older children."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    assumptions=("twelve-months-in-care", "period-start-unknown"),
)
def he04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """CiC 12+ months; in time when the last RHA/IHA is within 6 (under 5) or 12 months (HE-04)."""
    units = _long_stay(ctx, dates)
    last = _last_completed(units, _completion_keys(ctx, ("RHA", "IHA")))
    under5 = (units["DOB"] > units["date"] - pd.DateOffset(years=5)).to_numpy(
        dtype=bool, na_value=False)
    limit = np.where(under5, day_numbers(units["date"] - pd.DateOffset(months=6)),
                     day_numbers(units["date"] - pd.DateOffset(years=1)))
    return units.assign(numerator=(last > limit).astype(int), denominator=1)


@indicator(
    "HE-05",
    title="Dental checks in the last 12 months",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children in care for 12 months or more had a dental check in the last 12 "
        "months"
    ),
    kpi=True,
    definition=(
        "Of children in care on the date who have been looked after continuously for the 12 "
        "months ending on it (" + _TWELVE_MONTHS + "), the percentage with a dental check "
        "(TYPE DENTAL) completed in those 12 months."
    ),
    plain=(
        "Of the children in care for at least a year, the share who had a dental check "
        "in the last 12 months."
    ),
    sources=("episodes", "health_assessments"),
    needs=("health_assessments",),
    assumptions=("twelve-months-in-care", "period-start-unknown"),
)
def he05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """CiC 12+ months with a dental check completed in the last 12 months (HE-05)."""
    units = _long_stay(ctx, dates)
    last = _last_completed(units, _completion_keys(ctx, ("DENTAL",)))
    limit = day_numbers(units["date"] - pd.DateOffset(years=1))
    return units.assign(numerator=(last > limit).astype(int), denominator=1)


#: The OC2 cohort in plain words, shared by the HE-06 definitions.
_OC2_COHORT = (
    "looked after continuously for 12 months at 31 March (in care since 1 April the year "
    "before or earlier, short breaks excluded, as the DfE counts it) with a row in the OC2 "
    "return, for the latest 31 March on or before the date"
)
#: Who is due an SDQ, shared by HE-06 and HE-06e (DfE validator rule 186).
_SDQ_DUE = (
    "Due an SDQ: aged 4 or over on 1 April and 16 or under on 31 March (the DfE rule; "
    "broadly aged 5 to 16 at 31 March), and " + _OC2_COHORT + "."
)
_OC2_FLAGS = ("HEALTH_ASSESSMENT", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_CHECK",
              "SUBSTANCE_MISUSE")


def _oc2_rows(ctx: Context) -> pd.DataFrame:
    """OC2 rows of children looked after continuously for 12 months at 31 March of their
    YEAR, with ``ref_date`` (that 31 March), ``age`` on it, ``age_at_start`` (on the 1 April
    before), the yes/no codes as 0/1 and ``sdq`` (numeric score or blank), computed once."""
    oc2 = ctx.data.oc2
    year = oc2["YEAR"] if "YEAR" in oc2 else pd.Series(np.nan, index=oc2.index)  # no year: unusable
    rows = pd.DataFrame({"CHILD": oc2["CHILD"].astype("str").str.strip(),
                         "YEAR": pd.to_numeric(year, errors="coerce")}).dropna()
    rows["YEAR"] = rows["YEAR"].astype(int)
    rows["ref_date"] = pd.to_datetime(pd.DataFrame({"year": rows["YEAR"], "month": 3, "day": 31}))
    rows = rows[_looked_after_12_months(ctx, rows)]
    dob = rows["CHILD"].map(ctx.derived.children.set_index("CHILD")["DOB"])
    dob = dob.fillna(pd.to_datetime(oc2.loc[rows.index, "DOB"]))
    rows["age"] = groups.age_on(dob, rows["ref_date"]).astype("float")
    year_start = window_start(rows["ref_date"], "R12M").set_axis(rows.index)
    rows["age_at_start"] = groups.age_on(dob, year_start).astype("float")
    for col in _OC2_FLAGS:
        code = pd.to_numeric(oc2.loc[rows.index, col].astype("str").str.strip(), errors="coerce")
        rows[col] = code.eq(1).astype(int)
    rows["sdq"] = pd.to_numeric(oc2.loc[rows.index, "SDQ_SCORE"], errors="coerce")
    return rows.reset_index(drop=True)


def _looked_after_12_months(ctx: Context, rows: pd.DataFrame) -> np.ndarray:
    """Whether each row's child was looked after continuously for the 12 months to its
    ``ref_date`` (31 March), from the episodes as the DfE validator's OC2 cohort (rules 185
    to 191): a period that began on or before the 1 April before (or before the data) and
    was still open on 31 March (a period ending on 31 March counts)."""
    per = ctx.derived.periods[["CHILD", "start", "end", "start_known"]]
    both = rows[["CHILD", "ref_date"]].reset_index(names="row").merge(per, on="CHILD")
    since = window_start(both["ref_date"], "R12M").to_numpy()
    before_data = ~both["start_known"].astype(bool) & (both["start"] <= both["ref_date"])
    began = (both["start"].to_numpy() <= since) | before_data.to_numpy(dtype=bool)
    still_open = (both["end"].isna() | (both["end"] >= both["ref_date"])).to_numpy(dtype=bool)
    return rows.index.isin(both.loc[began & still_open, "row"])


def oc2_cohort(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """OC2 rows (of children in the DfE OC2 cohort) of the latest collection year whose
    31 March is on or before each date. Adds ``date``, ``ref_date`` (that 31 March), ``age``
    (completed years on it) and ``age_at_start`` (on the 1 April before)."""
    after_march = (dates.month > 3) | ((dates.month == 3) & (dates.day == 31))
    year_end = np.where(after_march, dates.year, dates.year - 1)
    rows = cached(ctx, "health.oc2", lambda: _oc2_rows(ctx))
    return pd.DataFrame({"date": dates, "YEAR": year_end}).merge(rows, on="YEAR")


def _sdq_cohort(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """OC2 cohort children due an SDQ: aged 4 or over on 1 April and under 17 on 31 March
    (DfE validator rule 186; DfE statistics: broadly aged 5 to 16 at 31 March)."""
    rows = oc2_cohort(ctx, dates)
    due = (rows["age_at_start"] >= 4) & (rows["age"] <= 16)
    return rows[due.to_numpy(dtype=bool)]


def _oc2_rate(
    column: str, min_age: int | None = None, max_age: int | None = None
) -> Callable[[Context, pd.DatetimeIndex], pd.DataFrame]:
    def units(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
        rows = oc2_cohort(ctx, dates)
        keep = rows["age"].between(min_age if min_age is not None else -1,
                                   max_age if max_age is not None else 200)
        rows = rows[keep.to_numpy(dtype=bool)]
        return rows.assign(numerator=rows[column], denominator=1)

    units.__doc__ = f"OC2 children of the year with {column} = 1 over all (HE-06)."
    return units


_OC2_RATES = (
    ("HE-06a", "HEALTH_ASSESSMENT", "Annual health assessment up to date (OC2)", None, None, None,
     "with their annual health assessment up to date (HEALTH_ASSESSMENT = 1)"),
    ("HE-06b", "IMMUNISATIONS", "Immunisations up to date (OC2)", None, None, None,
     "with immunisations up to date (IMMUNISATIONS = 1)"),
    ("HE-06c", "TEETH_CHECK", "Teeth checked by a dentist (OC2)", None, None, None,
     "whose teeth were checked by a dentist in the year (TEETH_CHECK = 1)"),
    ("HE-06d", "HEALTH_CHECK", "Health surveillance checks up to date, under 5s (OC2)", None,
     None, 4, "aged under 5 at 31 March, with health surveillance checks up to date "
     "(HEALTH_CHECK = 1)"),
    ("HE-06f", "SUBSTANCE_MISUSE", "Identified as having a substance misuse problem (OC2)", None,
     None, None, "identified as having a substance misuse problem (SUBSTANCE_MISUSE = 1)"),
)

#: The OC2 rates in plain English (the registry's ``plain``).
_OC2_PLAIN: dict[str, str] = {
    "HE-06a": (
        "Of the children in care for at least a year on 31 March, the share whose annual "
        "health assessment was up to date, as reported to the DfE."
    ),
    "HE-06b": (
        "Of the children in care for at least a year on 31 March, the share whose "
        "immunisations were up to date."
    ),
    "HE-06c": (
        "Of the children in care for at least a year on 31 March, the share whose teeth were "
        "checked by a dentist during the year."
    ),
    "HE-06d": (
        "Of the children under 5 in care for at least a year on 31 March, the share whose "
        "developmental health checks were up to date."
    ),
    "HE-06f": (
        "Of the children in care for at least a year on 31 March, the share identified as "
        "having a problem with drugs or alcohol during the year."
    ),
}

for _id, _column, _title, _polarity, _min, _max, _what in _OC2_RATES:
    indicator(
        _id,
        title=_title,
        polarity=_polarity,
        period="FY",
        kind="rate",
        unit="%",
        definition=f"Of children {_OC2_COHORT}, the percentage {_what}.",
        plain=_OC2_PLAIN[_id],
        sources=("oc2", "episodes"),
        assumptions=("oc2-cohort",),
    )(_oc2_rate(_column, _min, _max))


@indicator(
    "HE-06",
    title="Mean SDQ score (OC2)",
    polarity=None,
    period="FY",
    kind="mean",
    unit="score",
    definition=(
        "Mean strengths and difficulties questionnaire score (SDQ_SCORE, 0-40) of the "
        "children due an SDQ who have a score recorded. " + _SDQ_DUE
    ),
    plain=(
        "The average SDQ score of those children, from 0 to 40. A higher score means "
        "more difficulties: 14 to 16 is borderline and 17 or more is a cause for "
        "concern."
    ),
    sources=("oc2", "episodes"),
    assumptions=("oc2-cohort",),
)
def he06(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children due an SDQ with a score: numerator = score (HE-06)."""
    rows = _sdq_cohort(ctx, dates)
    rows = rows[rows["sdq"].notna().to_numpy(dtype=bool)]
    return rows.assign(numerator=rows["sdq"], denominator=1)


@indicator(
    "HE-06e",
    title="SDQ completed, children aged 4 to 16 (OC2)",
    polarity=None,
    period="FY",
    kind="rate",
    unit="%",
    definition=(
        "Of the children due an SDQ, the percentage with a score recorded. " + _SDQ_DUE
    ),
    plain=(
        "Of the children aged about 5 to 16 in care for at least a year, the share with "
        "a strengths and difficulties questionnaire (SDQ) score. The SDQ is a short "
        "questionnaire about a child's emotional and behavioural health, usually filled "
        "in by their carer."
    ),
    sources=("oc2", "episodes"),
    assumptions=("oc2-cohort",),
)
def he06e(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children due an SDQ with a score over all due one (HE-06e)."""
    rows = _sdq_cohort(ctx, dates)
    return rows.assign(numerator=rows["sdq"].notna().astype(int), denominator=1)
