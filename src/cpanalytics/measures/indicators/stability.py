"""Placement stability: PS-01 to PS-05 (indicators.md, "Placement stability").

A placement is a same-carer run (see ``cpanalytics.measures.derive.care_episodes``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.measures import groups
from cpanalytics.measures.derive import interval_arrays
from cpanalytics.measures.indicators.children_in_care import (
    cached,
    child_codes,
    child_episodes,
    child_index,
    in_care_units,
    in_window,
)
from cpanalytics.measures.indicators.engine import Context, window_start
from cpanalytics.measures.indicators.registry import indicator


@indicator(
    "PS-01",
    title="Children in care with 3 or more placements in the last 12 months",
    polarity="L",
    period="SS",
    kind="rate",
    unit="%",
    phrase="{value} of children in care had three or more placements in the last 12 months",
    short="the share of children with three or more placements",
    kpi=True,
    definition=(
        "Of children in care on the date, the percentage with three or more placements "
        "during the 12 months ending on the date. A placement is a period with the same "
        "carer: a new carer starts one (reason for new episode S, P or B); a change of legal "
        "status or of placement with the same carer (L, T or U) continues it; temporary "
        "placements (T0-T4) neither count nor break it. Short breaks excluded."
    ),
    plain=(
        "The share of children in care on the date who had three or more placements "
        "(homes with different carers) in the last 12 months. Moving to a new carer "
        "starts a new placement; a short temporary stay does not."
    ),
    sources=("episodes",),
    assumptions=("placement-carer",),
)
def ps01(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care with 3+ placements overlapping the last 12 months (PS-01)."""
    units = placements_in_window(ctx, dates, "R12M")
    return units[["date", "CHILD"]].assign(
        numerator=(units["placements"] >= 3).astype(int), denominator=1)


def placement_arrays(ctx: Context) -> dict[str, np.ndarray]:
    """Per placement, as numpy arrays built once: child code, start, end (open = far
    future), ``held_until`` (the next placement's start in the period, else the period
    end: temporary episodes neither end nor break a placement) and the start of the
    previous placement in the period."""
    def build() -> dict[str, np.ndarray]:
        pl = ctx.derived.placements.sort_values(["period_id", "start"], kind="stable")
        following = pl.groupby("period_id", sort=False)["start"].shift(-1)
        start, end = interval_arrays(pl["start"], pl["end"])
        return {
            "child": child_codes(ctx, pl["CHILD"]),
            "start": start,
            "end": end,
            "held_until": interval_arrays(pl["start"], following.fillna(pl["period_end"]))[1],
            "prev_start": pl.groupby("period_id", sort=False)["start"].shift()
            .to_numpy().astype("datetime64[us]"),
        }
    return cached(ctx, "ps.placement_arrays", build)


def current_placements(ctx: Context, units: pd.DataFrame, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """The placement each unit row's child (``date``, ``child_no``) holds on the date, as
    PS-02 takes it: started on or before the date and not yet followed by the next placement
    of the period or the period's end (a temporary episode keeps it). Columns
    ``placement_id`` and ``placement_start``, blank when none; the latest start wins."""
    pl = placement_arrays(ctx)
    ids = ctx.derived.placements.sort_values(["period_id", "start"], kind="stable")["placement_id"]
    held = np.full(len(units), -1)
    codes = units["child_no"].to_numpy()
    for date, rows in zip(dates, units_by_date(units, dates), strict=True):
        d = date.to_datetime64().astype("datetime64[us]")
        current = np.flatnonzero((pl["start"] <= d) & (pl["held_until"] > d))
        latest = (pd.DataFrame({"child": pl["child"][current], "start": pl["start"][current],
                                "row": current})
                  .sort_values("start", kind="stable").drop_duplicates("child", keep="last"))
        held[rows] = pd.Series(latest["row"].to_numpy(), index=latest["child"].to_numpy()
                               ).reindex(codes[rows]).fillna(-1).to_numpy(dtype=int)
    found = held >= 0
    out = pd.DataFrame({"placement_id": pd.Series(pd.NA, index=units.index, dtype="Int64"),
                        "placement_start": pd.Series(pd.NaT, index=units.index,
                                                     dtype="datetime64[us]")})
    out.loc[found, "placement_id"] = ids.to_numpy(dtype="int64")[held[found]]
    out.loc[found, "placement_start"] = pl["start"][held[found]]
    return out


def units_by_date(units: pd.DataFrame, dates: pd.DatetimeIndex) -> list[np.ndarray]:
    """Row positions of ``units`` for each date, in the order of ``dates``."""
    when = units["date"].to_numpy().astype("datetime64[us]")
    return [np.flatnonzero(when == d.to_datetime64().astype("datetime64[us]")) for d in dates]


@indicator(
    "PS-02",
    title="Children in care long term who have been in the same placement for 2 years",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children under 16 in care for two and a half years or more had been in the "
        "same placement for at least two years"
    ),
    short="the share of children in long-term stable placements",
    kpi=True,
    definition=(
        "Of children looked after on the date, aged under 16 and looked after continuously "
        "for at least 2.5 years (period of care started 30 months or more before), the "
        "percentage in the same placement (same carer) for at least 2 years, or placed for "
        "adoption (A3-A6) with the adoptive and previous placement together lasting 2+ years. "
        "A placement is as PS-01: a foster carer who goes on to adopt the child keeps the "
        "placement."
    ),
    plain=(
        "Of the children under 16 who have been in care for two and a half years or "
        "more, the share who have lived with the same carer for at least two years (or "
        "who moved in with their adoptive family after at least two years with their "
        "previous carer)."
    ),
    sources=("episodes", "header"),
    assumptions=("placement-carer", "period-start-unknown"),
)
def ps02(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Long-term placement stability (PS-02, the DfE measure)."""
    cic = in_care_units(ctx, dates, ["CHILD", "child_no", "DOB", "period_start", "PLACE"],
                        child_episodes(ctx)).drop_duplicates(["date", "child_no"])
    under16 = (groups.age_on(cic["DOB"], cic["date"]) < 16).to_numpy(dtype=bool, na_value=False)
    long_term = (cic["period_start"] <= cic["date"] - pd.DateOffset(months=30)).to_numpy()
    units = cic[under16 & long_term].reset_index(drop=True)
    pl = placement_arrays(ctx)
    n = len(child_index(ctx))
    stable = np.zeros(len(units), dtype=bool)
    codes = units["child_no"].to_numpy()
    # Placed for adoption on the date itself (the episode then open), not later.
    adoptive_now = units["PLACE"].astype("str").isin(groups.ADOPTION_PLACE).to_numpy()
    for date, rows in zip(dates, units_by_date(units, dates), strict=True):
        d = date.to_datetime64().astype("datetime64[us]")
        two_years_ago = (date - pd.DateOffset(years=2)).to_datetime64().astype("datetime64[us]")
        current = (pl["start"] <= d) & (pl["held_until"] > d)
        long_run = np.zeros(n, dtype=bool)
        long_run[pl["child"][current & (pl["start"] <= two_years_ago)]] = True
        with_previous = np.zeros(n, dtype=bool)
        with_previous[pl["child"][current & (pl["prev_start"] <= two_years_ago)]] = True
        child = codes[rows]
        stable[rows] = long_run[child] | (with_previous[child] & adoptive_now[rows])
    return units[["date", "CHILD"]].assign(numerator=stable.astype(int), denominator=1)


#: Number-of-placements bands of PS-03.
PLACEMENT_BANDS = (*(str(n) for n in range(1, 11)), "11+")


def placements_in_window(ctx: Context, dates: pd.DatetimeIndex, period: str) -> pd.DataFrame:
    """Children in care on each date with ``placements``: how many overlapped the window
    (started on or before the date, not ended before the window start)."""
    cic = in_care_units(ctx, dates, ["CHILD", "child_no", "DOB"], child_episodes(ctx))
    cic = cic.drop_duplicates(["date", "child_no"]).reset_index(drop=True)
    pl = placement_arrays(ctx)
    n = len(child_index(ctx))
    counts = np.zeros(len(cic), dtype=int)
    codes = cic["child_no"].to_numpy()
    starts = window_start(dates, period)
    for date, start, rows in zip(dates, starts, units_by_date(cic, dates), strict=True):
        d = date.to_datetime64().astype("datetime64[us]")
        during = (pl["start"] <= d) & (pl["end"] >= start.to_datetime64().astype("datetime64[us]"))
        counts[rows] = np.bincount(pl["child"][during], minlength=n)[codes[rows]]
    return cic.assign(placements=counts)


@indicator(
    "PS-03",
    title="Children with 3 or more placements in the year, by age and number of placements",
    polarity=None,
    period="FY",
    kind="table",
    unit="count",
    definition=(
        "Children looked after on the date with three or more placements (same-carer runs, "
        "as PS-01) between 1 April and the date, by age in completed years (and age band) "
        "on the date and number of placements (3, 4, ... 10, 11+)."
    ),
    plain=(
        "Children in care on the date who had three or more placements since 1 April, "
        "by their age and how many placements they had."
    ),
    sources=("episodes", "header"),
    assumptions=("placement-carer",),
    categories=("age", "age_band", "placements"),
)
def ps03(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Distribution of placements in the year for children with 3+ (PS-03)."""
    units = placements_in_window(ctx, dates, "FY")
    units = units[units["placements"] >= 3].reset_index(drop=True)
    age = groups.age_on(units["DOB"], units["date"])
    band = np.minimum(units["placements"].to_numpy(), 11)
    return units[["date", "CHILD"]].assign(
        age=age,
        age_band=groups.age_band(age),
        placements=pd.Categorical(np.array(PLACEMENT_BANDS)[band - 1], categories=PLACEMENT_BANDS),
    )


#: REASON_PLACE_CHANGE codes (DfE SSDA903 guidance) -> label.
PLACEMENT_CHANGE_REASONS: dict[str, str] = {
    "CARPL": "Change to or implementation of care plan",
    "CLOSE": "Resignation or closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer requests end: child's behaviour",
    "CREQO": "Carer requests end: other reason",
    "CHILD": "Child requests end",
    "LAREQ": "Responsible or area authority requests end",
    "PLACE": "Change in the status of placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}


def placement_moves(ctx: Context) -> pd.DataFrame:
    """Every move to a new carer (RNE P or B) within a period of care: date, reason, from and
    to type. Same-carer changes (RNE T, U) start no placement, so they are no move."""
    return cached(ctx, "ps.moves", lambda: _moves(ctx.derived.placements))


def _moves(placements: pd.DataFrame) -> pd.DataFrame:
    pl = placements.sort_values(["period_id", "start"], kind="stable")
    prev = pl.groupby("period_id", sort=False)[["reason_change", "last_place"]].shift()
    moves = pl.assign(prev_reason=prev["reason_change"], prev_place=prev["last_place"])
    moves = moves[prev["last_place"].notna().to_numpy()]
    reason = moves["prev_reason"].astype("str").str.upper().map(PLACEMENT_CHANGE_REASONS)
    return pd.DataFrame({
        "CHILD": moves["CHILD"].to_numpy(),
        "start": moves["start"].to_numpy(),
        "reason": pd.Categorical(reason.fillna("Not recorded"),
                                 categories=[*PLACEMENT_CHANGE_REASONS.values(), "Not recorded"]),
        "from_type": groups.placement_type(moves["prev_place"]),
        "to_type": groups.placement_type(moves["place"]),
    })


@indicator(
    "PS-04",
    title="Placement moves by reason and placement type",
    polarity=None,
    period="FY",
    kind="table",
    unit="%",
    definition=(
        "Moves to a new carer (reason for new episode P or B: a new placement within a "
        "period of care, as PS-01) that started between 1 April and the date, by the "
        "REASON_PLACE_CHANGE recorded on the episode that ended the previous placement, and "
        "by the placement type moved from and to. A change of placement with the same carer "
        "(T or U) is not a move. Value is % of all moves."
    ),
    plain=(
        "Every move to a new carer during the year, by the reason recorded for the "
        "move."
    ),
    sources=("episodes",),
    assumptions=("placement-carer",),
    categories=("reason", "from_type", "to_type"),
)
def ps04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Placement moves in the financial year to date (PS-04)."""
    moves = in_window(placement_moves(ctx), "start", dates, "FY")
    return moves[["date", "CHILD", "ref_date", "reason", "from_type", "to_type"]]


@indicator(
    "PS-05",
    title="Children in care 18+ months with the same social worker for 12 months",
    polarity="H",
    period="SS",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children in care for 18 months or more had the same social worker for the "
        "last 12 months"
    ),
    kpi=True,
    definition=(
        "Of children looked after for 18 months or more on the date, the percentage with the "
        "same social worker for the last 12 months. Needs a local social worker allocation "
        "extract (local/social_worker_allocations.csv), which the data contract does not "
        "define yet, so it reports Not available."
    ),
    plain=(
        "Of the children in care for 18 months or more, the share who have had the same "
        "social worker for the last 12 months. The council's records of social worker "
        "changes are not yet part of the data these reports use, so this figure is not "
        "available."
    ),
    sources=(),
    needs=("social_worker_allocations",),
)
def ps05(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Not computed: the allocation extract is not part of the data contract (PS-05)."""
    return pd.DataFrame(columns=["date", "CHILD", "numerator", "denominator"])
