"""Children in care (context): CIC-01 to CIC-09 (indicators.md, "Children in care").

Companion measures carry a letter suffix: CIC-03S (starts, beside CIC-03 leavers by
reason) and CIC-08D (the DfE "more than 20 miles and outside the LA" measure).
"""

from __future__ import annotations

from typing import TypeVar, cast

import numpy as np
import pandas as pd

from cpanalytics.measures import distance, groups
from cpanalytics.measures.derive import first_or_last_per_child, interval_arrays, rows_open_on
from cpanalytics.measures.indicators.engine import Context
from cpanalytics.measures.indicators.registry import indicator
from cpanalytics.measures.indicators.windows import cached, events_in_window

#: Local CIC-03 group: a child who was UASC up to their 18th birthday and ceased aged 18 or
#: over for any reason but adoption or SGO (see :func:`leavers`).
UASC_TURNED_18 = "UASC turned 18"
#: The DfE reason-ceased groups (:data:`cpanalytics.measures.groups.REASONS_CEASED`) CIC-03 shows
#: by name, in this order with :data:`UASC_TURNED_18`; every smaller group is "Other".
CIC03_SHOWN = (
    "Adopted", "Special guardianship order", "Child arrangements (residence) order",
    "Returned home to parents", "Left to live with parents or relatives",
    "Moved into independent living", UASC_TURNED_18, "Remained with carers at 18 (staying put)",
)
LEAVING_REASON_ORDER = (*CIC03_SHOWN, "Other")

#: The profile dimensions of CIC-05 (each a breakdown name).
PROFILE = ("age_band", "sex", "ethnicity_group", "legal_status", "placement_type")

#: Within this many miles counts as near home (CIC-07, CIC-08D).
NEAR_MILES = 20.0

T = TypeVar("T")

_NOT_UASC = "excluding children who are UASC on the date (in uasc.csv and before DUC)"


def open_episode_rows(ctx: Context, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``ctx.derived.episodes`` of the episode open on each date, and that date.

    Same rule as :func:`cpanalytics.measures.derive.in_care_on` (:func:`~cpanalytics.measures.derive.rows_open_on`);
    the episode start and end arrays are built once per data set.
    """
    ep = ctx.derived.episodes
    bounds = cached(ctx, "cic.open_episode_arrays", lambda: interval_arrays(ep["DECOM"], ep["DEC"]))
    return rows_open_on(*bounds, dates)


def in_care_units(
    ctx: Context, dates: pd.DatetimeIndex, columns: list[str] | None = None,
    episodes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per child in care on each date, with the episode then open (short breaks
    excluded): all episode columns, or only ``columns``, then ``date``. ``episodes`` may be
    the shared episodes with extra columns, same rows (e.g. :func:`child_episodes`)."""
    ep = ctx.derived.episodes if episodes is None else episodes
    rows, when = open_episode_rows(ctx, dates)
    if columns is None:
        out = ep.take(rows).reset_index(drop=True)
    else:
        out = pd.DataFrame({c: ep[c].take(rows).reset_index(drop=True) for c in columns})
    out["date"] = when
    return out


def child_index(ctx: Context) -> pd.Index:
    """Every CHILD (header, then any only in episodes): a child's position is its code."""
    return cached(ctx, "cic.child_index", lambda: pd.Index(pd.unique(pd.concat(
        [ctx.derived.children["CHILD"], ctx.derived.episodes["CHILD"]], ignore_index=True))))


def child_facts(ctx: Context) -> pd.DataFrame:
    """``derive.children`` reindexed by :func:`child_index`: row ``i`` is child code ``i``."""
    return cached(ctx, "cic.child_facts", lambda: ctx.derived.children.set_index("CHILD")
                  .reindex(child_index(ctx)).reset_index())


def child_codes(ctx: Context, child: pd.Series) -> np.ndarray:
    """Integer codes of CHILD values (positions in :func:`child_index`, -1 if unknown)."""
    # pandas takes any array-like target; pandas-stubs only an Index
    return child_index(ctx).get_indexer(cast(pd.Index, child))


def child_episodes(ctx: Context) -> pd.DataFrame:
    """The shared episodes plus ``child_no`` (child code), ``DOB``, ``duc``, ``legal_status``
    and ``placement_type`` groups, built once, so per-date measures take these by position
    instead of matching strings."""
    def build() -> pd.DataFrame:
        ep = ctx.derived.episodes
        codes = child_codes(ctx, ep["CHILD"])
        facts = child_facts(ctx)
        return ep.assign(child_no=codes, DOB=facts["DOB"].to_numpy()[codes],
                         duc=facts["duc"].to_numpy()[codes],
                         legal_status=groups.legal_status_group(ep["LS"]),
                         placement_type=groups.placement_type(ep["PLACE"]))
    return cached(ctx, "cic.child_episodes", build)


def is_uasc(units: pd.DataFrame) -> np.ndarray:
    """UASC on the unit's date: in uasc.csv and the date before DUC (units carry ``duc``)."""
    return (units["duc"].notna() & (units["date"] < units["duc"])).to_numpy(dtype=bool)


def citizen_units(
    ctx: Context, dates: pd.DatetimeIndex, columns: list[str] | None = None,
    episodes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Children in care on each date who are not UASC on that date (``columns`` plus ``duc``)."""
    wanted = list(dict.fromkeys([*(columns or ["CHILD"]), "duc"]))
    units = in_care_units(ctx, dates, wanted, child_episodes(ctx) if episodes is None else episodes)
    return units[~is_uasc(units)]


def population_on(ctx: Context, dates: pd.Series) -> pd.Series:
    """Under-18 population (population.csv AGE_0_17) for each date.

    YEAR is the calendar year of the ONS mid-year estimate; a date uses the latest YEAR
    not after its own calendar year (the earliest YEAR for dates before them all).
    """
    pop = ctx.local("population")[["YEAR", "AGE_0_17"]].dropna()
    pop = pop.astype({"YEAR": "int64", "AGE_0_17": "float64"}).drop_duplicates("YEAR", keep="last")
    pop = pop.sort_values("YEAR")
    years = pop["YEAR"].to_numpy()
    if len(years) == 0:
        return pd.Series(np.nan, index=dates.index)
    pos = np.searchsorted(years, pd.to_datetime(dates).dt.year.to_numpy(), side="right") - 1
    return pd.Series(pop["AGE_0_17"].to_numpy()[np.clip(pos, 0, None)], index=dates.index)


def spread_over_rows(units: pd.DataFrame, totals: pd.Series) -> pd.Series:
    """Share a per-date total across that date's unit rows, so the rows sum to the total."""
    per_date = units.groupby("date")["CHILD"].transform("size")
    return totals / per_date


@indicator(
    "CIC-01",
    title="Number of children in care",
    polarity=None,
    period="SS",
    kind="count",
    unit="count",
    phrase="There were {value} children in care",
    short="the number of children in care",
    definition=(
        "Children looked after on the date (an episode open: DECOM on or before the date "
        "and DEC blank or after it), excluding children looked after only under short "
        "breaks (LS V3/V4). Split citizen / UASC with by='uasc'."
    ),
    plain=(
        "All the children the council looked after on the date, not counting children "
        "who only have short breaks."
    ),
    sources=("episodes", "uasc"),
)
def cic01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date (CIC-01)."""
    return in_care_units(ctx, dates, ["CHILD"])


@indicator(
    "CIC-02",
    title="Children in care per 10,000 children under 18, excluding UASC",
    polarity=None,
    period="SS",
    kind="per_10000",
    unit="per 10,000",
    phrase="That is {value} children in care per 10,000 children under 18, excluding UASC",
    kpi=True,
    definition=(
        "Children looked after on the date (short breaks excluded), " + _NOT_UASC + ", per "
        "10,000 of the under-18 population (population.csv AGE_0_17 for the latest mid-year "
        "estimate YEAR not after the date's calendar year). The population is not split, "
        "so breakdowns show the overall rate."
    ),
    plain=(
        "The number of children in care, not counting unaccompanied asylum-seeking "
        "children, for every 10,000 children under 18 living in the area, so that "
        "councils of different sizes can be compared."
    ),
    sources=("episodes", "uasc"),
    needs=("population",),
)
def cic02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Citizen children in care per 10,000 under-18 population (CIC-02)."""
    units = citizen_units(ctx, dates, ["CHILD"]).reset_index(drop=True)
    units["numerator"] = 1
    units["denominator"] = spread_over_rows(units, population_on(ctx, units["date"]))
    return units


def leavers(ctx: Context) -> pd.DataFrame:
    """Every period of care that ceased (``derive.periods_of_care``: an end, last REC not
    X1) with its CIC-03 reason group.

    The reason is the DfE group of the last REC (:func:`cpanalytics.measures.groups.reason_ceased`),
    groups outside :data:`CIC03_SHOWN` as "Other"; a child who was UASC up to their 18th
    birthday (DUC on or after it) and left aged 18 or over for any reason but adoption or
    SGO is :data:`UASC_TURNED_18`. Built once per data set.
    """
    return cached(ctx, "cic.leavers", lambda: _leavers(ctx))


def _leavers(ctx: Context) -> pd.DataFrame:
    periods = ctx.derived.periods
    out = periods.loc[periods["ceased"].to_numpy(dtype=bool),
                      ["CHILD", "start", "end", "last_rec"]].copy()
    kids = ctx.derived.children.set_index("CHILD")
    dob = out["CHILD"].map(kids["DOB"])
    adult = (groups.age_on(dob, out["end"]) >= 18).to_numpy(dtype=bool, na_value=False)
    duc = out["CHILD"].map(kids["duc"])
    uasc_at_18 = (duc.notna() & (duc >= dob + pd.DateOffset(years=18))).to_numpy(dtype=bool)
    dfe = pd.Series(groups.reason_ceased(out["last_rec"]), index=out.index).astype("str")
    reason = dfe.where(dfe.isin(CIC03_SHOWN), "Other")
    ordinary = ~dfe.isin(["Adopted", "Special guardianship order"]).to_numpy()
    reason = reason.where(~(adult & uasc_at_18 & ordinary), UASC_TURNED_18)
    out["reason"] = pd.Categorical(reason, categories=LEAVING_REASON_ORDER)
    return out


def in_window(events: pd.DataFrame, column: str, dates: pd.DatetimeIndex, period: str) -> pd.DataFrame:
    """Events whose ``column`` falls in each date's window, one row per (date, event), with
    ``ref_date`` = the event date (breakdowns then use attributes at the event)."""
    out = events_in_window(events, column, dates, period)
    return out.assign(ref_date=out[column])


@indicator(
    "CIC-03",
    title="Children who ceased to be looked after, by reason",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "Children who ceased to be looked after between 1 April and the date (short breaks "
        "excluded), counted once each: a child who left care more than once in that time is "
        "counted on the last occasion, as in DfE statistics. The reason is the REC of the "
        "last episode, in the DfE groups: adopted (E11/E12), special guardianship order "
        "(E43-E48), child arrangements or residence order (E41), returned home to parents "
        "(E4A/E4B), left to live with parents or relatives (E13), moved into independent "
        "living (E5/E6), remained with carers at 18 (staying put, E17); smaller groups are "
        "shown as other. A child who was an unaccompanied asylum-seeking child (UASC) up to "
        "their 18th birthday and left aged 18 or over for a reason other than adoption or "
        "special guardianship counts as 'UASC turned 18'. The count is the number of "
        "children; value is % of all children who ceased."
    ),
    plain=(
        "Children who stopped being looked after during the year, by why they left care "
        "(for example adopted, or returned home). A child who left care more than once "
        "is counted once."
    ),
    sources=("episodes", "header", "uasc"),
    categories=("reason",),
    assumptions=("cic03-reasons",),
)
def cic03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children who ceased in the financial year to date, last occasion, by reason (CIC-03)."""
    units = first_or_last_per_child(in_window(leavers(ctx), "end", dates, "FY"), "end", "last")
    return units[["date", "CHILD", "ref_date", "reason"]]


@indicator(
    "CIC-03S",
    title="Children who started to be looked after",
    polarity=None,
    period="FY",
    kind="count",
    unit="count",
    phrase="{value} children started to be looked after",
    definition=(
        "Children who started a period of care (first episode RNE S; short breaks excluded) "
        "between 1 April and the date, counted once each: a child who started more than once "
        "in that time is counted on the first occasion, as in DfE statistics. Breakdowns use "
        "the child's attributes at that start. A period already under way when the data "
        "begin is not a start."
    ),
    plain=(
        "Children who started to be looked after during the year. A child who came into "
        "care more than once is counted once."
    ),
    sources=("episodes",),
    assumptions=("period-start-unknown",),
)
def cic03s(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children who started in the financial year to date, first occasion (CIC-03S)."""
    units = in_window(period_starts(ctx), "start", dates, "FY")
    return first_or_last_per_child(units, "start", "first")[["date", "CHILD", "ref_date"]]


def period_starts(ctx: Context) -> pd.DataFrame:
    """Periods of care that start in the data (``start_known``: first episode RNE S), with
    ``repeat``: the child's previous period ended within the 24 months before. Any other
    period began before the earliest return loaded, so its start is unknown."""
    return cached(ctx, "cic.period_starts", lambda: _period_starts(ctx))


def _period_starts(ctx: Context) -> pd.DataFrame:
    periods = ctx.derived.periods.sort_values(["CHILD", "start"], kind="stable")
    prev_end = periods.groupby("CHILD", sort=False)["end"].shift()
    cutoff = periods["start"] - pd.DateOffset(months=24)
    repeat = (prev_end.notna() & (prev_end >= cutoff)).to_numpy(dtype=bool)
    started = periods["start_known"].to_numpy(dtype=bool)
    return periods[["CHILD", "start"]].assign(repeat=repeat)[started].reset_index(drop=True)


@indicator(
    "CIC-04",
    title="Children becoming looked after within 24 months of a previous period of care",
    polarity="L",
    period="YTD",
    kind="rate",
    unit="%",
    phrase="{value} of children starting care had been in care within the previous 24 months",
    kpi=True,
    definition=(
        "Of periods of care that started (RNE S) between 1 April and the date (short breaks "
        "excluded), the percentage where the same child's previous period of care ended "
        "in the 24 months before the new start."
    ),
    plain=(
        "Of the children who came into care during the year, the share who had left an "
        "earlier period of care in the two years before."
    ),
    sources=("episodes",),
)
def cic04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Starters in the year to date who came back within 24 months (CIC-04)."""
    units = in_window(period_starts(ctx), "start", dates, "YTD")
    units["numerator"] = units["repeat"].astype(int)
    units["denominator"] = 1
    return units[["date", "CHILD", "ref_date", "numerator", "denominator"]]


@indicator(
    "CIC-05",
    title="Profile of children in care",
    polarity=None,
    period="SS",
    kind="table",
    unit="%",
    definition=(
        "Children looked after on the date (short breaks excluded) by age band in completed "
        "years, sex, ethnic group, legal status and placement type of the episode then open. "
        "One row per combination: value is its % of all children in care, so summing value "
        "over one column gives that profile."
    ),
    plain=(
        "The children in care on the date by age, sex, ethnic group, legal status (the "
        "court order or agreement under which they are looked after) and the kind of "
        "home they live in."
    ),
    sources=("episodes", "header"),
    categories=PROFILE,
)
def cic05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on each date with every profile attribute (CIC-05)."""
    units = in_care_units(ctx, dates, ["CHILD", "child_no", "DOB", *PROFILE[3:]],
                          child_episodes(ctx))
    facts = child_facts(ctx)
    codes = units["child_no"].to_numpy()
    return pd.DataFrame({
        "date": units["date"],
        "CHILD": units["CHILD"],
        "age_band": groups.age_band(groups.age_on(units["DOB"], units["date"])),
        "sex": facts["sex"].array.take(codes),
        "ethnicity_group": facts["ethnicity_group"].array.take(codes),
        "legal_status": units["legal_status"],
        "placement_type": units["placement_type"],
    })


@indicator(
    "CIC-06",
    title="Children in foster care placed in-house or with relatives or friends, excluding UASC",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children in foster care (excluding UASC) were with in-house or family and "
        "friends foster carers"
    ),
    kpi=True,
    definition=(
        "Of children looked after on the date in foster care (PLACE U1-U6), " + _NOT_UASC
        + ", the percentage placed with the LA's own carers (PLACE_PROVIDER PR1) or with "
        "relatives or friends (U1-U3)."
    ),
    plain=(
        "Of the children living with foster carers (not counting unaccompanied "
        "asylum-seeking children), the share living with the council's own foster "
        "carers or with relatives or friends rather than with carers from an "
        "independent fostering agency."
    ),
    sources=("episodes", "uasc"),
)
def cic06(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """In-house or family-and-friends share of citizen foster placements (CIC-06)."""
    units = citizen_units(ctx, dates, ["CHILD", "PLACE", "PLACE_PROVIDER"])
    units = units[units["PLACE"].isin(groups.FOSTER_PLACE).to_numpy(dtype=bool, na_value=False)]
    good = units["PLACE"].isin(groups.FOSTER_FRIENDS_RELATIVES) | units["PLACE_PROVIDER"].eq("PR1")
    return units[["date", "CHILD"]].assign(
        numerator=good.to_numpy(dtype=bool, na_value=False).astype(int), denominator=1)


def located_episodes(ctx: Context) -> pd.DataFrame:
    """The shared episodes with ``distance`` and ``outside_la`` of each, built once per data set."""
    episodes = child_episodes(ctx)
    return cached(ctx, "cic.located_episodes", lambda: pd.concat(
        [episodes, distance.placement_location(ctx.data, episodes)], axis=1))


def located_units(ctx: Context, dates: pd.DatetimeIndex, citizens_only: bool) -> pd.DataFrame:
    """Children in care on each date with ``distance``, ``outside_la`` of the open episode."""
    columns = ["CHILD", "PLACE", "distance", "outside_la"]
    if citizens_only:
        return citizen_units(ctx, dates, columns, located_episodes(ctx))
    return in_care_units(ctx, dates, columns, located_episodes(ctx))


@indicator(
    "CIC-07",
    title="Children in care placed within 20 miles of home, excluding UASC",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of children in care (excluding UASC) were placed within 20 miles of home",
    kpi=True,
    definition=(
        "Of children looked after on the date, " + _NOT_UASC + ", whose home (HOME_POST) and "
        "placement (PL_POST) postcodes are both known, the percentage placed 20 miles or "
        "less from home (DfE formula on ONS postcode centroids, 1 d.p.). Unknown "
        "postcodes are left out of the denominator."
    ),
    plain=(
        "Of the children in care (not counting unaccompanied asylum-seeking children) "
        "whose home and placement addresses are both known, the share living 20 miles "
        "or less from the home they came from."
    ),
    sources=("episodes", "uasc"),
    assumptions=("distance-postcodes",),
)
def cic07(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Citizen children placed within 20 miles of home (CIC-07)."""
    units = located_units(ctx, dates, citizens_only=True)
    units = units[units["distance"].notna().to_numpy()]
    return units[["date", "CHILD"]].assign(
        numerator=(units["distance"] <= NEAR_MILES).astype(int), denominator=1)


@indicator(
    "CIC-08",
    title="Children in care placed outside the LA boundary",
    polarity="L",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of children in care were placed outside the local authority boundary",
    kpi=True,
    definition=(
        "Of children looked after on the date whose placement location is known, the "
        "percentage placed outside the LA: the placement postcode's upper-tier LA (ONS) is "
        "not this LA; when PL_POST is unknown, PLACE_PROVIDER PR2 (another LA) counts as "
        "outside and anything else is left out of the denominator."
    ),
    plain=(
        "Of the children in care whose placement address is known, the share living "
        "outside the council's area."
    ),
    sources=("episodes",),
    assumptions=("distance-postcodes",),
)
def cic08(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children placed outside the LA (CIC-08)."""
    units = located_units(ctx, dates, citizens_only=False)
    units = units[units["outside_la"].notna().to_numpy()]
    return units[["date", "CHILD"]].assign(
        numerator=units["outside_la"].astype(int), denominator=1)


@indicator(
    "CIC-08D",
    title="Children in care placed outside the LA and more than 20 miles from home",
    polarity="L",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children in care were placed outside the local authority boundary and more "
        "than 20 miles from home"
    ),
    definition=(
        "The DfE measure: of children looked after on the date with both postcodes known, "
        "the percentage placed outside the LA boundary and more than 20 miles from home "
        "(DfE formula on ONS postcode centroids)."
    ),
    plain=(
        "The national measure: of the children in care whose home and placement "
        "addresses are both known, the share living outside the council's area and more "
        "than 20 miles from home."
    ),
    sources=("episodes",),
    assumptions=("distance-postcodes",),
)
def cic08d(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children placed outside the LA and over 20 miles away (CIC-08D)."""
    units = located_units(ctx, dates, citizens_only=False)
    units = units[units["distance"].notna().to_numpy()]
    far_out = (units["distance"] > NEAR_MILES).to_numpy() & units["outside_la"].to_numpy(
        dtype=bool, na_value=False)
    return units[["date", "CHILD"]].assign(numerator=far_out.astype(int), denominator=1)


@indicator(
    "CIC-09",
    title="Children in care in private or voluntary placements",
    polarity="L",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of children in care were in private and voluntary placements",
    kpi=True,
    definition=(
        "Of children looked after on the date (short breaks excluded), the percentage whose "
        "placement is provided by the private (PLACE_PROVIDER PR4) or voluntary (PR5) sector."
    ),
    plain=(
        "The share of children in care whose home is provided by a private company or a "
        "charity rather than by the council."
    ),
    sources=("episodes",),
)
def cic09(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in private or voluntary sector placements (CIC-09)."""
    units = in_care_units(ctx, dates, ["CHILD", "PLACE_PROVIDER"])
    pv = units["PLACE_PROVIDER"].isin(["PR4", "PR5"]).to_numpy(dtype=bool, na_value=False)
    return units[["date", "CHILD"]].assign(numerator=pv.astype(int), denominator=1)
