"""Adoption: AD-01 to AD-07 (indicators.md, "Adoption" and "Precise definitions for the
timeliness measures").

Each period of care (short breaks excluded) gets its adoption journey once per data set:
placement order (first LS E1/D1 episode), placed (first PLACE A3-A6 episode), adoption
order (the period ends with REC E11/E12), and the AD1 record (decision, match, foster-carer
adoption) whose match date (or decision date) falls in the period. The ADM decision is
AD1.DATE_INT, else the first placed_for_adoption.DATE_PLACED in the period: in the SSDA903
that column is the date of the decision that the child should be placed for adoption.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cpanalytics import groups
from cpanalytics.derive import in_care_on
from cpanalytics.indicators.engine import Context
from cpanalytics.indicators.registry import indicator
from cpanalytics.indicators.windows import cached, events_in_window

STAGES = ("ADM decision", "Placement order", "Match", "Placed for adoption", "Adoption order")
WAITING_STATUSES = ("Placement order, not matched", "Matched, not placed", "Placed, not adopted")
WAITING_BANDS = ("Under 6 months", "6 to 12 months", "12 to 18 months", "18 months or more")


def _codes(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip()


def _to_period(periods: pd.DataFrame, rows: pd.DataFrame, on: str) -> pd.DataFrame:
    """Attach ``period_id`` to rows whose ``on`` date lies within one of the child's periods."""
    rows = rows.dropna(subset=[on]).assign(**{on: rows[on].astype("datetime64[us]")})
    per = periods[["period_id", "CHILD", "start", "end"]].sort_values("start", kind="stable")
    per = per.assign(start=per["start"].astype("datetime64[us]"),
                     end=per["end"].astype("datetime64[us]"))
    both = pd.merge_asof(rows.sort_values(on, kind="stable"), per, left_on=on, right_on="start",
                         by="CHILD", direction="backward")
    inside = both["period_id"].notna() & (both["end"].isna() | (both[on] <= both["end"]))
    both = both[inside.to_numpy(dtype=bool)].drop(columns=["start", "end"])
    return both.astype({"period_id": "int64"})


def _ad1(data_ad1: pd.DataFrame) -> pd.DataFrame:
    ad1 = pd.DataFrame({
        "CHILD": _codes(data_ad1["CHILD"]),
        "DATE_INT": data_ad1["DATE_INT"].astype("datetime64[us]"),
        "DATE_MATCH": data_ad1["DATE_MATCH"].astype("datetime64[us]"),
        "foster_care": pd.to_numeric(_codes(data_ad1["FOSTER_CARE"]), errors="coerce").eq(1),
    })
    return ad1.assign(anchor=ad1["DATE_MATCH"].fillna(ad1["DATE_INT"]))


def journeys(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its adoption journey dates (cached, see below)."""
    return cached(ctx, "adoption.journeys", lambda: _journeys(ctx))


def _journeys(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its adoption journey dates.

    Columns: ``period_id``, ``CHILD``, ``start`` (entering care), ``end``, ``last_rec``,
    ``adopted``, ``po`` (placement order), ``placed`` (first A3-A6 episode), ``placed_from``
    (start of the same-carer placement containing it), ``adm``, ``match``, ``foster_care``.
    """
    d = ctx.derived
    ep = d.episodes
    out = d.periods[["period_id", "CHILD", "start", "end", "last_rec"]].copy()
    out["start"] = out["start"].astype("datetime64[us]")
    out["end"] = out["end"].astype("datetime64[us]")
    adopted = out["last_rec"].isin(groups.ADOPTED_REC).to_numpy(dtype=bool)
    out["adopted"] = adopted & out["end"].notna().to_numpy(dtype=bool)
    po = ep[ep["LS"].isin(groups.PLACEMENT_ORDER_LS).to_numpy(dtype=bool)]
    pid = out["period_id"]
    out["po"] = _lookup(po.groupby("period_id")["DECOM"].first(), pid)
    placed = ep[ep["PLACE"].isin(groups.ADOPTION_PLACE).to_numpy(dtype=bool)]
    first_placed = placed.groupby("period_id")[["DECOM", "placement_id"]].first()
    out["placed"] = _lookup(first_placed["DECOM"], pid)
    pl_start = d.placements.set_index("placement_id")["start"]
    out["placed_from"] = _lookup(pl_start, _lookup(first_placed["placement_id"], pid))
    ad1 = _to_period(d.periods, _ad1(ctx.data.ad1), "anchor")
    ad1 = ad1.drop_duplicates("period_id", keep="last").set_index("period_id")
    pfa = pd.DataFrame({"CHILD": _codes(ctx.data.placed_for_adoption["CHILD"]),
                        "decision": ctx.data.placed_for_adoption["DATE_PLACED"]})
    pfa = _to_period(d.periods, pfa, "decision").groupby("period_id")["decision"].min()
    out["adm"] = _lookup(ad1["DATE_INT"], pid)
    out["adm"] = out["adm"].fillna(pd.Series(_lookup(pfa, pid), index=out.index))
    out["match"] = _lookup(ad1["DATE_MATCH"], pid)
    out["foster_care"] = pd.Series(_lookup(ad1["foster_care"], pid)).eq(True).to_numpy()
    return out


def _lookup(values: pd.Series, keys: pd.Series | np.ndarray) -> np.ndarray:
    """``values`` (indexed by unique keys) at each of ``keys``; blank where absent. Dates come
    back as ``datetime64[us]``."""
    out = values.reindex(pd.Index(keys)).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = out.astype("datetime64[us]")
    return out


def _a10_stop(j: pd.DataFrame) -> pd.Series:
    """A10 clock stop: the start of the placement containing the adoptive placement when the
    foster carers adopted (AD1.FOSTER_CARE = 1), else the adoptive placement's DECOM."""
    return j["placed_from"].where(j["foster_care"], j["placed"])


def _days_for_adopted(
    start: str,
    stop: str | Callable[[pd.DataFrame], pd.Series],
    period: str,
    floor_zero: bool = False,
) -> Callable[[Context, pd.DatetimeIndex], pd.DataFrame]:
    """Unit function: adoptions (REC E11/E12) in the window, numerator = days start -> stop."""
    name = stop if isinstance(stop, str) else stop.__name__

    def adopted_days(ctx: Context) -> pd.DataFrame:
        j = journeys(ctx)
        j = j[j["adopted"]]
        stop_date = stop(j) if callable(stop) else j[stop]
        days = (stop_date - j[start]).dt.days.astype(float)
        if floor_zero:
            days = days.clip(lower=0)
        out = pd.DataFrame({"CHILD": j["CHILD"], "ref_date": j["end"], "numerator": days})
        return out.dropna().sort_values("ref_date", kind="stable").reset_index(drop=True)

    def units(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
        rows = cached(ctx, f"adoption.days.{start}.{name}.{floor_zero}", lambda: adopted_days(ctx))
        return events_in_window(rows, "ref_date", dates, period).assign(denominator=1)

    units.__doc__ = f"Children adopted in the window: mean days {start} -> {name}."
    return units


_COHORT = "for children adopted (REC E11/E12) in the {window} ending on the date"
_TIMELINESS = (
    ("AD-01", "A1: Days from entering care to moving in with the adoptive family",
     "start", "placed", False,
     "Mean days from entering care (start of the period of care that ended in adoption) to the "
     "DECOM of the first episode in that period with PLACE A3-A6, {cohort}."),
    ("AD-02", "A2: Days from placement order to match with the adoptive family",
     "po", "match", True,
     "Mean days from the start of the first LS E1 (or D1) episode in the period of care that "
     "ended in adoption to the match (AD1.DATE_MATCH), counting 0 when the match came first, "
     "{cohort}."),
    ("AD-03", "A10: Days from entering care to moving in with the adoptive family, adjusted "
     "for foster-carer adoptions", "start", _a10_stop, False,
     "As A1, but when the child was adopted by their foster carers (AD1.FOSTER_CARE = 1) the "
     "clock stops at the start of the same-carer placement that contains the adoptive "
     "placement; {cohort}."),
)

for _id, _title, _start, _stop, _floor, _text in _TIMELINESS:
    for _suffix, _period, _window in (("", "R12M", "12 months"), ("-3Y", "3Y", "3 years")):
        indicator(
            _id + _suffix,
            title=_title + (" (3-year average)" if _suffix else ""),
            polarity="L",
            period=_period,
            kind="mean",
            unit="days",
            definition=_text.format(cohort=_COHORT.format(window=_window)),
            sources=("episodes", "ad1") if _start == "po" or _id == "AD-03" else ("episodes",),
        )(_days_for_adopted(_start, _stop, _period, _floor))


@indicator(
    "AD-04",
    title="Adoption journey: decisions, orders, matches, placements and adoptions",
    polarity=None,
    period="FY",
    kind="table",
    unit="count",
    definition=(
        "Events in the financial year by stage: ADM best-interest decisions (AD1.DATE_INT or "
        "placed_for_adoption.DATE_PLACED), placement orders (first LS E1/D1 episode of a period "
        "of care), matches (AD1.DATE_MATCH), children placed for adoption (first PLACE A3-A6 "
        "episode of a period) and adoption orders (REC E11/E12)."
    ),
    sources=("episodes", "ad1", "placed_for_adoption"),
    categories=("stage",),
)
def ad04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One unit row per adoption-journey event in the FY, with its stage (AD-04)."""
    return events_in_window(cached(ctx, "adoption.events", lambda: _journey_events(ctx)),
                            "ref_date", dates, "FY")


def _journey_events(ctx: Context) -> pd.DataFrame:
    """Every adoption-journey event (CHILD, ref_date, stage), sorted by date."""
    j = journeys(ctx)
    pfa = ctx.data.placed_for_adoption
    ad1 = _ad1(ctx.data.ad1)
    decisions = pd.concat([
        ad1[["CHILD", "DATE_INT"]].rename(columns={"DATE_INT": "ref_date"}),
        pd.DataFrame({"CHILD": _codes(pfa["CHILD"]),
                      "ref_date": pfa["DATE_PLACED"].astype("datetime64[us]")}),
    ]).dropna().drop_duplicates()
    events = pd.concat([
        decisions.assign(stage=STAGES[0]),
        j[["CHILD", "po"]].rename(columns={"po": "ref_date"}).assign(stage=STAGES[1]),
        ad1[["CHILD", "DATE_MATCH"]].rename(columns={"DATE_MATCH": "ref_date"})
        .dropna().drop_duplicates().assign(stage=STAGES[2]),
        j[["CHILD", "placed"]].rename(columns={"placed": "ref_date"}).assign(stage=STAGES[3]),
        j.loc[j["adopted"], ["CHILD", "end"]].rename(columns={"end": "ref_date"})
        .assign(stage=STAGES[4]),
    ], ignore_index=True).dropna(subset=["ref_date"])
    events["stage"] = pd.Categorical(events["stage"], categories=STAGES)
    return events.sort_values("ref_date", kind="stable").reset_index(drop=True)


_STAGE_MEANS = (
    ("AD-05", "Days from placed for adoption to the adoption order", "placed", "end", False),
    ("AD-05a", "Days from entering care to the ADM decision", "start", "adm", False),
    ("AD-05b", "Days from the ADM decision to the match", "adm", "match", False),
    ("AD-05c", "Days from the placement order to the match", "po", "match", True),
    ("AD-05d", "Days from entering care to placed for adoption", "start", "placed", False),
)
_STAGE_WORDS = {"start": "entering care", "adm": "the ADM decision", "match": "the match",
                "po": "the placement order", "placed": "placed for adoption",
                "end": "the adoption order"}

for _id, _title, _start, _stop, _floor in _STAGE_MEANS:
    indicator(
        _id,
        title=_title,
        polarity="L",
        period="FY",
        kind="mean",
        unit="days",
        definition=(
            f"Mean days from {_STAGE_WORDS[_start]} to {_STAGE_WORDS[_stop]} for children adopted "
            "(REC E11/E12) in the financial year to the date, within the period of care that "
            "ended in adoption" + (" (a match before the order counts as 0)." if _floor else ".")
        ),
        sources=("episodes", "ad1", "placed_for_adoption"),
    )(_days_for_adopted(_start, _stop, "FY", _floor))


@indicator(
    "AD-06",
    title="Children leaving care who were adopted or made subject to an SGO (excluding UASC)",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    definition=(
        "Of children who left care (a period of care ended) in the 12 months ending on the date, "
        "excluding children who were UASC at any time in that period of care, the percentage "
        "who left because they were adopted (REC E11/E12) or made subject to a special "
        "guardianship order (REC E41, E45-E48)."
    ),
    sources=("episodes", "uasc"),
)
def ad06(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Periods ending in the window (not UASC in the period): adopted or SGO (AD-06)."""
    return events_in_window(cached(ctx, "adoption.leavers", lambda: _leavers(ctx)), "ref_date",
                            dates, "R12M").assign(denominator=1)


def _leavers(ctx: Context) -> pd.DataFrame:
    """Periods of care that ended (not UASC at any time in them): numerator = adopted or SGO."""
    j = journeys(ctx)
    left = j[j["end"].notna().to_numpy(dtype=bool) & ~j["last_rec"].isin(["X1", "nan", "None", ""])]
    duc = left["CHILD"].map(ctx.derived.children.set_index("CHILD")["duc"])
    left = left[~(duc > left["start"]).to_numpy(dtype=bool, na_value=False)]
    permanent = left["last_rec"].isin(groups.ADOPTED_REC | groups.SGO_REC)
    out = pd.DataFrame({"CHILD": left["CHILD"], "ref_date": left["end"],
                        "numerator": permanent.to_numpy(dtype=int)})
    return out.sort_values("ref_date", kind="stable").reset_index(drop=True)


def _waiting(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on the date with a placement order (LS E1/D1) or placed for adoption
    (PLACE A3-A6), their status and how long they have waited in it."""

    def adoption_episodes() -> tuple[pd.DataFrame, pd.DataFrame]:
        j = journeys(ctx)
        j = j.loc[(j["po"].notna() | j["placed"].notna()).to_numpy(dtype=bool),
                  ["period_id", "po", "match", "placed"]]
        ep = ctx.derived.episodes
        ep = ep.loc[ep["period_id"].isin(j["period_id"]).to_numpy(dtype=bool),
                    ["CHILD", "DECOM", "DEC", "period_id", "LS", "PLACE"]]
        return ep, j

    ep, j = cached(ctx, "adoption.episodes", adoption_episodes)
    cic = in_care_on(ep, dates)[["date", "CHILD", "period_id", "LS", "PLACE"]]
    cic = cic.merge(j, on="period_id")
    placed = cic["PLACE"].isin(groups.ADOPTION_PLACE).to_numpy(dtype=bool)
    order = cic["LS"].isin(groups.PLACEMENT_ORDER_LS).to_numpy(dtype=bool)
    matched = (cic["match"] <= cic["date"]).to_numpy(dtype=bool, na_value=False)
    stages = [order & ~matched & ~placed, order & matched & ~placed, placed]
    status = np.select(stages, list(WAITING_STATUSES), "")
    since = np.select(stages, [cic["po"], cic["match"], cic["placed"]], np.datetime64("NaT"))
    cic = cic.assign(status=status, since=pd.to_datetime(since))[status != ""]
    d = cic["date"]
    band = np.select(
        [cic["since"] > d - pd.DateOffset(months=m) for m in (6, 12, 18)],
        list(WAITING_BANDS[:3]), WAITING_BANDS[3])
    return cic.assign(status=pd.Categorical(cic["status"], categories=WAITING_STATUSES),
                      waiting=pd.Categorical(band, categories=WAITING_BANDS))


@indicator(
    "AD-07",
    title="Children waiting for adoption",
    polarity=None,
    period="SS",
    kind="table",
    unit="count",
    definition=(
        "Children in care on the date with a placement order (LS E1/D1) not yet matched "
        "(AD1.DATE_MATCH), matched but not placed, or placed for adoption (PLACE A3-A6) but "
        "not yet adopted, by time waiting since the order, match or placement."
    ),
    sources=("episodes", "ad1"),
    categories=("status", "waiting"),
)
def ad07(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children waiting on the date by status and waiting-time band (AD-07)."""
    return _waiting(ctx, dates)[["date", "CHILD", "status", "waiting"]]


@indicator(
    "AD-07a",
    title="Children with a placement order who are not yet matched",
    polarity="L",
    period="SS",
    kind="count",
    unit="count",
    definition=(
        "Children in care on the date whose legal status is a placement order (LS E1/D1), "
        "not placed for adoption and with no match (AD1.DATE_MATCH) on or before the date."
    ),
    sources=("episodes", "ad1"),
)
def ad07a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children with a placement order, not matched, on the date (AD-07a)."""
    units = _waiting(ctx, dates)
    return units.loc[units["status"].eq(WAITING_STATUSES[0]).to_numpy(dtype=bool),
                     ["date", "CHILD"]]
