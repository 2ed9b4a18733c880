"""IRO service: IR-01 to IR-08 (indicators.md, "IRO service" and "IR-01 definition").

Reviews count only when held within a period of care (short breaks excluded), see
``cpanalytics.measures.reviews``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.data.dates import coverage
from cpanalytics.measures import groups, reviews
from cpanalytics.measures.derive import KEY_SPAN, day_numbers, latest_on_or_before
from cpanalytics.measures.indicators.engine import Context
from cpanalytics.measures.indicators.registry import indicator
from cpanalytics.measures.indicators.windows import cached, events_in_window, in_care_periods

PARTICIPATED = frozenset({"PN1", "PN2", "PN3", "PN4", "PN5", "PN6"})
PARTICIPATION_CODES = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
REVIEW_AGE_GROUPS = ("Under 4", "4 to 9", "10 to 15", "16 and over")
GOOD_OR_BETTER = frozenset({"OUTSTANDING", "GOOD"})
GRADES = ("OUTSTANDING", "GOOD", "RI", "INADEQUATE")
STAGES = ("DR1", "DR2", "DR3")


def held_reviews(ctx: Context) -> pd.DataFrame:
    """Reviews held within a period of care, with the child's age at the review (cached)."""

    def build() -> pd.DataFrame:
        held = reviews.reviews_in_care(ctx.derived.periods, ctx.data.reviews)
        dob = held["CHILD"].map(ctx.derived.children.set_index("CHILD")["DOB"])
        return held.assign(age=groups.age_on(dob, held["REVIEW"]))

    return cached(ctx, "iro.held_reviews", build)


def review_coverage_start(ctx: Context) -> pd.Timestamp | None:
    """First day the loaded returns cover (:func:`cpanalytics.data.dates.coverage`), or None when
    the collection years are not known (then the review history is taken as whole)."""
    return coverage(ctx.data.years)[0] if ctx.data.years else None


def _chain(ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    def build() -> tuple[pd.DataFrame, pd.Series]:
        periods = ctx.derived.periods
        chain = reviews.review_chain(periods, held_reviews(ctx), review_coverage_start(ctx))
        return chain, reviews.first_review_due(periods)

    return cached(ctx, "iro.review_chain", build)


@indicator(
    "IR-01",
    title="Children in care reviewed within timescale",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of children in care had every review held within timescale",
    short="the share of children with reviews in timescale",
    kpi=True,
    definition=(
        "Of children in care on the date with at least one review due by then, the percentage "
        "whose every review due in the current period of care was held on or before its due "
        "date: the first 20 working days after the period starts, the second 3 months after "
        "the first was held, then every 6 months after the previous one was held. Reviews due "
        "before the first collection year loaded are not judged; for a period the data join "
        "part-way through (first episode not RNE S) the next review is due 6 months after "
        "that episode."
    ),
    plain=(
        "Of the children in care on the date, the share whose reviews have all been "
        "held on time: the first within 20 working days of coming into care, the second "
        "within 3 months of the first, then at least every 6 months."
    ),
    sources=("episodes", "reviews"),
    assumptions=("ir01-review-chain", "period-start-unknown"),
)
def ir01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """CiC with a review due by the date, in time when no due review was late (IR-01)."""
    units = review_timeliness(ctx, dates)
    units = units[units["reviews_due"].to_numpy(dtype=bool)]
    return units.assign(numerator=units["in_time"].astype(int), denominator=1)


def review_timeliness(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date, one row per period of care, with IR-01's
    ``reviews_due`` and ``in_time``, ``last_review`` and ``next_review_due``
    (:func:`cpanalytics.measures.reviews.timeliness_on`)."""
    chain, first_due = _chain(ctx)
    return reviews.timeliness_on(in_care_periods(ctx, dates), chain, first_due,
                                 review_coverage_start(ctx))


def _participation(ctx: Context, dates: pd.DatetimeIndex, period: str) -> pd.DataFrame:
    """Reviews held in the window with a participation code PN1-PN7 (ref_date = review)."""

    def coded() -> pd.DataFrame:
        rv = held_reviews(ctx)
        rv = rv[rv["REVIEW_CODE"].isin(PARTICIPATION_CODES).to_numpy(dtype=bool)]
        return pd.DataFrame({
            "CHILD": rv["CHILD"], "ref_date": rv["REVIEW"],
            "numerator": rv["REVIEW_CODE"].isin(PARTICIPATED).to_numpy(dtype=int),
            "age_at_review": pd.cut(rv["age"].astype("float"), [-1, 3, 9, 15, 200],
                                    labels=list(REVIEW_AGE_GROUPS)),
            "participation": pd.Categorical(rv["REVIEW_CODE"], categories=PARTICIPATION_CODES),
        }).reset_index(drop=True)

    return events_in_window(cached(ctx, "iro.participation", coded), "ref_date", dates, period)


@indicator(
    "IR-02",
    title="Reviews where the child participated",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    phrase="Children participated in {value} of their reviews in the last 12 months",
    kpi=True,
    definition=(
        "Of reviews held in the 12 months ending on the date with a participation code PN1-PN7, "
        "the percentage where the child participated (PN1-PN6). PN0 (child under 4) is excluded."
    ),
    plain=(
        "Of the reviews held in the last 12 months for children aged 4 and over, the "
        "share where the child took part, in person or by giving their views another "
        "way."
    ),
    sources=("reviews", "episodes"),
)
def ir02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Reviews held in the window, participated PN1-PN6 over PN1-PN7 (IR-02)."""
    return _participation(ctx, dates, "R12M")[["date", "CHILD", "ref_date", "numerator"]].assign(
        denominator=1)


@indicator(
    "IR-03",
    title="Participation in reviews by method and age",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "Reviews held in the financial year by participation code (PN1-PN7; PN0 excluded) and "
        "the child's age at the review (under 4, 4-9, 10-15, 16 and over)."
    ),
    plain=(
        "The reviews held in the year by how the child took part and the child's age. "
        "Children under 4 are not included."
    ),
    sources=("reviews", "episodes"),
    categories=("age_at_review", "participation"),
)
def ir03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Reviews in the FY counted by PN code x age group at the review (IR-03)."""
    return _participation(ctx, dates, "FY").drop(columns="numerator")


@indicator(
    "IR-04",
    title="Reviews held",
    polarity=None,
    period="FY",
    kind="count",
    unit="count",
    phrase="{value} reviews were held in the year",
    definition=(
        "Looked-after reviews held in the financial year to the date, within a period of care."
    ),
    plain=(
        "The number of reviews of children in care held in the year."
    ),
    sources=("reviews", "episodes"),
)
def ir04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One unit row per review held in the FY (IR-04)."""
    def slim() -> pd.DataFrame:
        held = held_reviews(ctx)
        return pd.DataFrame({"CHILD": held["CHILD"], "ref_date": held["REVIEW"],
                             "child_code": pd.factorize(held["CHILD"])[0]})

    return events_in_window(cached(ctx, "iro.held_slim", slim), "ref_date", dates, "FY")


@indicator(
    "IR-04a",
    title="Reviews per child reviewed",
    polarity=None,
    period="FY",
    kind="mean",
    unit="reviews",
    definition=(
        "Reviews held in the financial year to the date divided by the number of different "
        "children reviewed in that time."
    ),
    plain=(
        "The number of reviews held in the year divided by the number of children "
        "reviewed."
    ),
    sources=("reviews", "episodes"),
)
def ir04a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One unit row per child reviewed in the FY: numerator = their reviews (IR-04a)."""
    units = ir04(ctx, dates)
    key = units["child_code"].to_numpy() * KEY_SPAN + day_numbers(units["date"])
    _, first, count = np.unique(key, return_index=True, return_counts=True)
    per_child = units.iloc[first][["date", "CHILD", "ref_date"]]
    return per_child.assign(numerator=count, denominator=1)


@indicator(
    "IR-05",
    title="Average IRO caseload",
    polarity="L",
    period="SS",
    kind="mean",
    unit="children per FTE",
    phrase="The average IRO caseload was {value} children for each full-time IRO",
    kpi=True,
    definition=(
        "Children in care on the date divided by the full-time equivalent of IROs in post on "
        "the date (START on or before it, END blank or on or after it)."
    ),
    plain=(
        "The number of children in care for each full-time IRO in post on the date."
    ),
    sources=("episodes", "iro_staff"),
    needs=("iro_staff",),
)
def ir05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """CiC rows carrying an equal share of the FTE in post, so sums give CiC / FTE (IR-05)."""
    staff = ctx.local("iro_staff")
    start = staff["START"].to_numpy().astype("datetime64[us]")
    end = staff["END"].to_numpy().astype("datetime64[us]")
    fte = pd.to_numeric(staff["FTE"], errors="coerce").fillna(0).to_numpy()
    in_post = {}
    for d in dates:
        day = d.to_datetime64()
        in_post[d] = fte[(start <= day) & (np.isnat(end) | (end >= day))].sum()
    cic = in_care_periods(ctx, dates)
    n = cic.groupby("date")["CHILD"].transform("size")
    return cic.assign(numerator=1, denominator=cic["date"].map(in_post) / n)


def _iro_spells(allocations: pd.DataFrame) -> pd.DataFrame:
    """Allocations merged into spells with one IRO: consecutive rows for the same child and
    IRO that start no later than the day after the previous one ended."""
    al = allocations.assign(
        CHILD=allocations["CHILD"].astype("str").str.strip(),
        IRO_ID=allocations["IRO_ID"].astype("str").str.strip(),
        START=allocations["START"].astype("datetime64[us]"),
        END=allocations["END"].astype("datetime64[us]"),
    ).dropna(subset=["START"]).sort_values(["CHILD", "START"], kind="stable")
    prev_end = al.groupby("CHILD")["END"].shift()
    prev_iro = al.groupby("CHILD")["IRO_ID"].shift()
    joined = prev_iro.eq(al["IRO_ID"]) & (al["START"] <= prev_end + pd.Timedelta(days=1))
    al["spell"] = (~joined.to_numpy(dtype=bool)).cumsum()
    first = al.drop_duplicates("spell", keep="first").set_index("spell")
    last = al.drop_duplicates("spell", keep="last").set_index("spell")
    return first[["CHILD", "IRO_ID", "START"]].assign(END=last["END"]).reset_index(drop=True)


@indicator(
    "IR-06",
    title="Children in care 18+ months with the same IRO for the last 12 months",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children in care for 18 months or more had the same IRO for the last 12 "
        "months"
    ),
    kpi=True,
    definition=(
        "Of children in care on the date who have been looked after continuously for 18 months "
        "or more, the percentage allocated to the same IRO throughout the 12 months ending on "
        "the date (one unbroken allocation spell starting 12 months or more before the date)."
    ),
    plain=(
        "Of the children in care for 18 months or more, the share who have had the same "
        "IRO for the last 12 months."
    ),
    sources=("episodes", "iro_allocations"),
    needs=("iro_allocations",),
)
def ir06(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """CiC 18+ months; numerator when the IRO spell under way 12 months ago (the latest to
    start by then) is still open on the date (IR-06)."""
    cic = in_care_periods(ctx, dates)
    long_stay = cic["period_start"] <= cic["date"] - pd.DateOffset(months=18)
    cic = cic[long_stay.to_numpy(dtype=bool)]
    keys, ends = cached(ctx, "iro.spells", lambda: _spell_keys(ctx))
    year_ago = day_numbers(cic["date"] - pd.DateOffset(years=1)) + 1
    idx = latest_on_or_before(keys, cic["child_no"].to_numpy(dtype="int64"), year_ago)
    still_open = ends[np.clip(idx, 0, None)] >= day_numbers(cic["date"]) if len(keys) else False
    covered = (idx >= 0) & still_open
    return cic[["date", "CHILD"]].assign(numerator=covered.astype(int), denominator=1)


def _spell_keys(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """IRO spells as sorted keys child_no * 2**20 + START day, with END days (open = far)."""
    spells = _iro_spells(ctx.local("iro_allocations"))
    child = pd.Index(ctx.derived.children["CHILD"]).get_indexer(spells["CHILD"]).astype("int64")
    keys = child * KEY_SPAN + day_numbers(spells["START"])
    open_end = np.int64(1 << 40)
    ends = np.where(spells["END"].isna(), open_end,
                    day_numbers(spells["END"].fillna(pd.Timestamp(0))))
    order = np.argsort(keys[child >= 0], kind="stable")
    return keys[child >= 0][order], ends[child >= 0][order]


def _escalations(ctx: Context) -> pd.DataFrame:
    """Escalations with clean codes, sorted by the date raised (once per data set)."""

    def clean() -> pd.DataFrame:
        esc = ctx.local("iro_escalations")
        category = esc["CATEGORY"].astype("str").str.strip()
        out = pd.DataFrame({
            "CHILD": esc["CHILD"].astype("str").str.strip(),
            "ref_date": esc["DATE_RAISED"].astype("datetime64[us]"),
            "DATE_RESOLVED": esc["DATE_RESOLVED"].astype("datetime64[us]"),
            "stage": pd.Categorical(esc["STAGE"].astype("str").str.strip().str.upper(),
                                    categories=STAGES),
            "category": category.where(~category.isin(["nan", "", "None"]), "Not recorded"),
        })
        return out.dropna(subset=["ref_date"]).sort_values("ref_date", kind="stable")

    return cached(ctx, "iro.escalations", clean)


@indicator(
    "IR-07",
    title="IRO dispute resolution: escalations by stage and category",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    phrase="IROs raised {value} escalations through the dispute resolution process in the year",
    definition=(
        "Escalations (dispute resolution) raised in the financial year by stage (DR1, DR2, DR3) "
        "and category; percentages are of all escalations raised in the year."
    ),
    plain=(
        "The formal challenges (escalations) IROs raised in the year through the "
        "dispute resolution process, by topic and by the stage they reached."
    ),
    sources=("iro_escalations",),
    needs=("iro_escalations",),
    categories=("stage", "category"),
)
def ir07(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per escalation raised in the FY with its stage and category (IR-07)."""
    return events_in_window(_escalations(ctx), "ref_date", dates, "FY").drop(
        columns="DATE_RESOLVED")


@indicator(
    "IR-07a",
    title="IRO dispute resolution: mean days to resolve",
    polarity=None,
    period="FY",
    kind="mean",
    unit="days",
    phrase="Escalations raised in the year took an average of {value} days to resolve",
    definition=(
        "For escalations raised in the financial year and resolved by the date, the mean number "
        "of days from DATE_RAISED to DATE_RESOLVED."
    ),
    plain=(
        "For the escalations raised in the year and resolved, the average number of "
        "days from raising the concern to its resolution."
    ),
    sources=("iro_escalations",),
    needs=("iro_escalations",),
)
def ir07a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Escalations raised in the FY and resolved by the date: numerator = days (IR-07a)."""
    units = events_in_window(_escalations(ctx), "ref_date", dates, "FY")
    resolved = (units["DATE_RESOLVED"] <= units["date"]).to_numpy(dtype=bool, na_value=False)
    units = units[resolved]
    days = (units["DATE_RESOLVED"] - units["ref_date"]).dt.days
    return units[["date", "CHILD", "ref_date"]].assign(numerator=days, denominator=1)


def _audits(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care plan audits with a valid grade in the window (ref_date = audit date)."""

    def clean() -> pd.DataFrame:
        qa = ctx.local("care_plan_qa")
        grade = qa["GRADE"].astype("str").str.strip().str.upper()
        out = pd.DataFrame({"CHILD": qa["CHILD"].astype("str").str.strip(),
                            "ref_date": qa["DATE"].astype("datetime64[us]"),
                            "grade": pd.Categorical(grade, categories=GRADES)})
        out = out[grade.isin(GRADES).to_numpy(dtype=bool)].dropna(subset=["ref_date"])
        out["numerator"] = out["grade"].isin(GOOD_OR_BETTER).to_numpy(dtype=int)
        return out.sort_values("ref_date", kind="stable")

    return events_in_window(cached(ctx, "iro.audits", clean), "ref_date", dates, "R12M")


@indicator(
    "IR-08",
    title="Care plans graded good or better",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    phrase="{value} of care plans audited were graded good or better",
    short="the share of care plans graded good or better",
    kpi=True,
    definition=(
        "Of care plans quality-assured in the 12 months ending on the date (graded OUTSTANDING, "
        "GOOD, RI or INADEQUATE), the percentage graded good or better (OUTSTANDING or GOOD)."
    ),
    plain=(
        "Of the care plans quality-assured in the last 12 months, the share graded good "
        "or outstanding."
    ),
    sources=("care_plan_qa",),
    needs=("care_plan_qa",),
)
def ir08(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care plan audits in the window: good or better over all graded (IR-08)."""
    return _audits(ctx, dates).assign(denominator=1)


@indicator(
    "IR-08a",
    title="Care plan quality grades",
    polarity=None,
    period="R12M",
    kind="table",
    unit="%",
    definition=(
        "Care plans quality-assured in the 12 months ending on the date by grade: outstanding, "
        "good, requires improvement (RI), inadequate."
    ),
    plain=(
        "The care plans quality-assured in the last 12 months by grade: outstanding, "
        "good, requires improvement or inadequate."
    ),
    sources=("care_plan_qa",),
    needs=("care_plan_qa",),
    categories=("grade",),
)
def ir08a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Care plan audits in the window by grade (IR-08a)."""
    return _audits(ctx, dates).drop(columns="numerator")
