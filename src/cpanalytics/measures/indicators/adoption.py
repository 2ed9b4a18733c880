"""Adoption: AD-01 to AD-07 (indicators.md, "Adoption" and "Precise definitions for the
timeliness measures").

Each period of care (short breaks excluded) gets its adoption journey once per data set:
placement order (first LS E1/D1 episode), placed (start of the last placement for adoption,
PLACE A3-A6, in the period: the family who adopt), adoption order (the period ends with REC
E11/E12), and the AD1 record (decision, match, foster-carer adoption) whose match date (or
decision date) falls in the period. The ADM decision is AD1.DATE_INT, else the first
placed_for_adoption.DATE_PLACED in the period: in the SSDA903 that column is the date of the
decision that the child should be placed for adoption, and DATE_PLACED_CEASED the date that
decision was reversed (REASON_PLACED_CEASED RD1-RD4).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cpanalytics.data.dates import coverage
from cpanalytics.measures import groups
from cpanalytics.measures.derive import first_or_last_per_child, in_care_on
from cpanalytics.measures.indicators.engine import Context
from cpanalytics.measures.indicators.registry import indicator
from cpanalytics.measures.indicators.windows import cached, events_in_window

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


def adoptive_runs(ctx: Context) -> pd.DataFrame:
    """Per care episode (same index as ``derived.episodes``): placements for adoption.

    ``placed_now``: in a placement for adoption (PLACE A3-A6; a temporary episode keeps the
    placement it interrupts). ``run_start``: a placement for adoption begins here (the first
    A3-A6 episode after a non-adoptive one). ``since_placed``: the DECOM of the placement for
    adoption held. ``disrupted``: the DECOM of the latest move out of A3-A6 so far in the
    period without an adoption (the adoptive placement disrupted).
    """
    return cached(ctx, "adoption.runs", lambda: _adoptive_runs(ctx.derived.episodes))


def _adoptive_runs(ep: pd.DataFrame) -> pd.DataFrame:
    nt = ep.loc[~ep["temporary"].to_numpy(dtype=bool), ["period_id", "DECOM", "PLACE"]]
    adoptive = nt["PLACE"].isin(groups.ADOPTION_PLACE)
    before = adoptive.groupby(nt["period_id"], sort=False).shift(fill_value=False).astype(bool)
    run_start = adoptive & ~before
    no_date = pd.Series(pd.NaT, index=nt.index, dtype="datetime64[us]")
    decom = nt["DECOM"].astype("datetime64[us]")

    def carried(values: pd.Series) -> pd.Series:
        """Values of non-temporary episodes, carried on to later episodes of the period."""
        return values.reindex(ep.index).groupby(ep["period_id"], sort=False).ffill()

    return pd.DataFrame({
        "placed_now": carried(adoptive.astype(float)).eq(1).to_numpy(),
        "run_start": run_start.reindex(ep.index, fill_value=False).to_numpy(dtype=bool),
        "since_placed": carried(decom.where(run_start, no_date)),
        "disrupted": carried(decom.where(~adoptive & before, no_date)),
    }, index=ep.index)


def journeys(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its adoption journey dates (cached, see below)."""
    return cached(ctx, "adoption.journeys", lambda: _journeys(ctx))


def _journeys(ctx: Context) -> pd.DataFrame:
    """One row per period of care with its adoption journey dates.

    Columns: ``period_id``, ``CHILD``, ``start`` (first episode loaded), ``start_known``
    (see ``derive.periods_of_care``), ``end``, ``last_rec``, ``adopted``, ``po`` (placement
    order), ``placed`` (start of the last placement for adoption in the period),
    ``placed_from`` (start of the same-carer placement containing it), ``adm``, ``match``,
    ``foster_care``. Dates are as loaded: see :func:`_known_dates` for the timeliness ones.
    """
    d = ctx.derived
    ep = d.episodes
    out = d.periods[["period_id", "CHILD", "start", "start_known", "end", "last_rec"]].copy()
    out["start"] = out["start"].astype("datetime64[us]")
    out["end"] = out["end"].astype("datetime64[us]")
    adopted = out["last_rec"].isin(groups.ADOPTED_REC).to_numpy(dtype=bool)
    out["adopted"] = adopted & out["end"].notna().to_numpy(dtype=bool)
    po = ep[ep["LS"].isin(groups.PLACEMENT_ORDER_LS).to_numpy(dtype=bool)]
    pid = out["period_id"]
    out["po"] = _lookup(po.groupby("period_id")["DECOM"].first(), pid)
    placed = ep[adoptive_runs(ctx)["run_start"].to_numpy()]
    last_placed = placed.groupby("period_id")[["DECOM", "placement_id"]].last()
    out["placed"] = _lookup(last_placed["DECOM"], pid)
    pl_start = d.placements.set_index("placement_id")["start"]
    out["placed_from"] = _lookup(pl_start, _lookup(last_placed["placement_id"], pid))
    ad1 = _to_period(d.periods, _ad1(ctx.data.ad1), "anchor")
    ad1 = ad1.drop_duplicates("period_id", keep="last").set_index("period_id")
    pfa_rows = pd.DataFrame({"CHILD": _codes(ctx.data.placed_for_adoption["CHILD"]),
                        "decision": ctx.data.placed_for_adoption["DATE_PLACED"]})
    pfa = _to_period(d.periods, pfa_rows, "decision").groupby("period_id")["decision"].min()
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


#: Journey dates read from the episodes: unknown when they fall on the first episode loaded
#: of a period whose start is before the data.
_EPISODE_DATES = ("start", "po", "placed", "placed_from")


def _known_dates(j: pd.DataFrame) -> pd.DataFrame:
    """``j`` with each episode date blanked where it is unknown: in a period whose start is
    before the data (``start_known`` False), a date on its first loaded episode may be later
    than the true one (docs/assumptions.md#period-start-unknown)."""
    unseen = ~j["start_known"].to_numpy(dtype=bool)
    return j.assign(**{c: j[c].mask(unseen & (j[c] <= j["start"]).to_numpy(dtype=bool))
                       for c in _EPISODE_DATES})


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
    """Unit function: adoptions (REC E11/E12) in the window, numerator = days start -> stop.

    A child whose start or stop date is unknown (before the data) is left out; so is one
    whose dates are out of order, which the DfE validator rejects (rules 331, 333, 334, 521),
    unless ``floor_zero`` (A2: a match before the order counts 0). No time is negative.
    """
    name = stop if isinstance(stop, str) else stop.__name__

    def adopted_days(ctx: Context) -> pd.DataFrame:
        j = journeys(ctx)
        j = _known_dates(j[j["adopted"].to_numpy(dtype=bool)])
        stop_date = stop(j) if callable(stop) else j[stop]
        days = (stop_date - j[start]).dt.days.astype(float)
        days = days.clip(lower=0) if floor_zero else days.where(days >= 0)
        out = pd.DataFrame({"CHILD": j["CHILD"], "ref_date": j["end"], "numerator": days})
        return out.dropna().sort_values("ref_date", kind="stable").reset_index(drop=True)

    def units(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
        rows = cached(ctx, f"adoption.days.{start}.{name}.{floor_zero}", lambda: adopted_days(ctx))
        return events_in_window(rows, "ref_date", dates, period).assign(denominator=1)

    units.__doc__ = f"Children adopted in the window: mean days {start} -> {name}."
    return units


_COHORT = "for children adopted (REC E11/E12) in the {window} ending on the date"
#: How every adoption timeliness measure treats unknown and out-of-order dates.
_UNKNOWN = (
    " A child is left out when a date the measure needs lies before the earliest return "
    "loaded (the period of care's first loaded episode is not RNE S), or when the dates are "
    "out of order; no time is ever negative."
)
_TIMELINESS = (
    ("AD-01", "A1: Days from entering care to moving in with the adoptive family",
     "Children adopted waited an average of {value} days from entering care to moving in "
     "with their adoptive family",
     "start", "placed", False,
     "Mean days from entering care (start of the period of care that ended in adoption) to "
     "moving in with the family who adopted (the start of the last placement for adoption, "
     "PLACE A3-A6, in that period), {cohort}."),
    ("AD-02", "A2: Days from placement order to match with the adoptive family",
     "An average of {value} days passed between the court's authority to place a child for "
     "adoption and the match with the adoptive family",
     "po", "match", True,
     "Mean days from the start of the first LS E1 (or D1) episode in the period of care that "
     "ended in adoption to the match (AD1.DATE_MATCH), counting 0 when the match came first, "
     "{cohort}."),
    ("AD-03", "A10: Days from entering care to moving in with the adoptive family, adjusted "
     "for foster-carer adoptions",
     "Allowing for foster carers who adopted, children waited an average of {value} days "
     "from entering care to moving in with their adoptive family",
     "start", _a10_stop, False,
     "As A1, but when the child was adopted by their foster carers (AD1.FOSTER_CARE = 1) the "
     "clock stops when the child moved in with them: the start of the same-carer placement "
     "that contains the adoptive placement (the move from foster care to A3-A6 with the same "
     "carer has reason for new episode T or U), {cohort}."),
)

#: The timeliness measures in plain English (the registry's ``plain``).
_TIMELINESS_PLAIN: dict[str, str] = {
    "AD-01": (
        "For the children adopted in the last 12 months, the average number of days between "
        "coming into care and moving in with their adoptive family (measure A1 of the "
        "national adoption scorecard)."
    ),
    "AD-01-3Y": (
        "Measure A1 averaged over the children adopted in the last three years, which evens "
        "out the ups and downs of small numbers."
    ),
    "AD-02": (
        "For the children adopted in the last 12 months, the average number of days between "
        "the court giving the council authority to place the child for adoption (the "
        "placement order) and the child being matched with their adoptive family (measure "
        "A2)."
    ),
    "AD-02-3Y": "Measure A2 averaged over the children adopted in the last three years.",
    "AD-03": (
        "As measure A1, but for children adopted by their own foster carers the clock stops "
        "when they moved in with those carers (measure A10)."
    ),
    "AD-03-3Y": "Measure A10 averaged over the children adopted in the last three years.",
}

for _id, _title, _phrase, _start, _stop, _floor, _text in _TIMELINESS:
    for _suffix, _period, _window in (("", "R12M", "12 months"), ("-3Y", "3Y", "3 years")):
        indicator(
            _id + _suffix,
            title=_title + (" (3-year average)" if _suffix else ""),
            polarity="L",
            period=_period,
            kind="mean",
            unit="days",
            phrase=None if _suffix else _phrase,
            kpi=not _suffix,
            definition=_text.format(cohort=_COHORT.format(window=_window)) + _UNKNOWN,
            plain=_TIMELINESS_PLAIN[_id + _suffix],
            sources=("episodes", "ad1") if _start == "po" or _id == "AD-03" else ("episodes",),
            assumptions=("period-start-unknown", "adoption-placement"),
        )(_days_for_adopted(_start, _stop, _period, _floor))


@indicator(
    "AD-04",
    title="Adoption journey: decisions, orders, matches, placements and adoptions",
    polarity=None,
    period="FY",
    kind="table",
    unit="count",
    short="adoption orders",
    definition=(
        "Events in the financial year by stage: ADM best-interest decisions (AD1.DATE_INT or "
        "placed_for_adoption.DATE_PLACED), placement orders (first LS E1/D1 episode of a period "
        "of care), matches (AD1.DATE_MATCH), placements for adoption (a move into PLACE A3-A6, "
        "again after a disruption) and adoption orders (REC E11/E12). Orders and placements "
        "before the earliest return loaded are not counted. The adoption return (AD1) lists a "
        "child only in the year they are adopted, so matches are short until the children "
        "matched have been adopted: matches in a year that reaches into the last 12 months of "
        "the data are flagged provisional (shown [p]), and earlier years may still rise a "
        "little as later returns are loaded."
    ),
    plain=(
        "How many children reached each stage of adoption in each year: the decision "
        "that adoption is in the child's best interests, the placement order, the match "
        "with a family, moving in with the family, and the adoption order."
    ),
    sources=("episodes", "ad1", "placed_for_adoption"),
    categories=("stage", "provisional"),
    assumptions=("adoption-matches", "period-start-unknown"),
)
def ad04(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One unit row per adoption-journey event in the FY, with its stage (AD-04); matches
    are ``provisional`` when the year reaches into the last 12 months of the data."""
    units = events_in_window(cached(ctx, "adoption.events", lambda: _journey_events(ctx)),
                             "ref_date", dates, "FY")
    match = units["stage"].eq(STAGES[2]).to_numpy(dtype=bool)
    return units.assign(provisional=match & matches_provisional(ctx, units["date"]))


def matches_provisional(ctx: Context, dates: pd.Series) -> np.ndarray:
    """Whether figures that need matches are provisional on each date: it lies within the
    last 12 months of the data, where AD1 (which lists a child only in the year they are
    adopted) lacks the matches of children not yet adopted (AD-04, AD-07, AD-07a;
    docs/assumptions.md#adoption-matches)."""
    return (dates > data_end(ctx) - pd.DateOffset(years=1)).to_numpy(dtype=bool)


def data_end(ctx: Context) -> pd.Timestamp:
    """Last day the loaded data cover: 31 March of the latest collection year, or (when the
    years are not known) the latest episode or AD1 date."""
    if ctx.data.years:
        return coverage(ctx.data.years)[1]
    ep, ad1 = ctx.data.episodes, ctx.data.ad1
    dates = [ep["DECOM"], ep["DEC"], ad1["DATE_INT"], ad1["DATE_MATCH"]]
    return pd.Timestamp(pd.concat([pd.to_datetime(d) for d in dates]).max())


def _journey_events(ctx: Context) -> pd.DataFrame:
    """Every adoption-journey event (CHILD, ref_date, stage), sorted by date. A placement order
    or placement for adoption on the first loaded episode of a period that began before the
    data is no event in the data's years."""
    j = journeys(ctx)
    ep = ctx.derived.episodes
    placed = ep.loc[adoptive_runs(ctx)["run_start"].to_numpy(), ["CHILD", "period_id", "DECOM"]]
    period = j.set_index("period_id")
    unseen = (~placed["period_id"].map(period["start_known"]).astype(bool)
              & placed["DECOM"].le(placed["period_id"].map(period["start"])))
    j = _known_dates(j)
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
        placed.loc[~unseen.to_numpy(dtype=bool), ["CHILD", "DECOM"]]
        .rename(columns={"DECOM": "ref_date"}).assign(stage=STAGES[3]),
        j.loc[j["adopted"], ["CHILD", "end"]].rename(columns={"end": "ref_date"})
        .assign(stage=STAGES[4]),
    ], ignore_index=True).dropna(subset=["ref_date"])
    events["stage"] = pd.Categorical(events["stage"], categories=STAGES)
    return events.sort_values("ref_date", kind="stable").reset_index(drop=True)


_STAGE_MEANS = (
    ("AD-05", "Days from placed for adoption to the adoption order", "placed", "end", False,
     "Children waited an average of {value} days from being placed for adoption to the "
     "adoption order"),
    ("AD-05a", "Days from entering care to the ADM decision", "start", "adm", False, None),
    ("AD-05b", "Days from the ADM decision to the match", "adm", "match", False, None),
    ("AD-05c", "Days from the placement order to the match", "po", "match", True, None),
    ("AD-05d", "Days from entering care to placed for adoption", "start", "placed", False,
     None),
)
_STAGE_WORDS = {"start": "entering care", "adm": "the ADM decision", "match": "the match",
                "po": "the placement order", "placed": "placed for adoption",
                "end": "the adoption order"}

#: The stage means in plain English (the registry's ``plain``).
_STAGE_PLAIN: dict[str, str] = {
    "AD-05a": (
        "For the children adopted in the year, the average number of days between coming into "
        "care and the decision that adoption is in their best interests."
    ),
    "AD-05b": (
        "For the children adopted in the year, the average number of days between the "
        "decision that adoption is in their best interests and the match with their adoptive "
        "family."
    ),
    "AD-05c": (
        "For the children adopted in the year, the average number of days between the "
        "placement order and the match with their adoptive family."
    ),
    "AD-05d": (
        "For the children adopted in the year, the average number of days between coming into "
        "care and moving in with their adoptive family."
    ),
    "AD-05": (
        "For the children adopted in the year, the average number of days between moving in "
        "with their adoptive family and the court making the adoption order."
    ),
}

for _id, _title, _start, _stop, _floor, _stage_phrase in _STAGE_MEANS:
    indicator(
        _id,
        title=_title,
        polarity="L",
        period="FY",
        kind="mean",
        unit="days",
        phrase=_stage_phrase,
        definition=(
            f"Mean days from {_STAGE_WORDS[_start]} to {_STAGE_WORDS[_stop]} for children adopted "
            "(REC E11/E12) in the financial year to the date, within the period of care that "
            "ended in adoption" + (" (a match before the order counts as 0)." if _floor else ".")
            + _UNKNOWN
        ),
        plain=_STAGE_PLAIN[_id],
        sources=("episodes", "ad1", "placed_for_adoption"),
        assumptions=("period-start-unknown", "adoption-placement"),
    )(_days_for_adopted(_start, _stop, "FY", _floor))


@indicator(
    "AD-06",
    title="Children leaving care who were adopted or made subject to an SGO (excluding UASC)",
    polarity="H",
    period="R12M",
    kind="rate",
    unit="%",
    phrase=(
        "{value} of children leaving care (excluding UASC) were adopted or made subject to a "
        "special guardianship order"
    ),
    kpi=True,
    definition=(
        "Of children who left care (a period of care ended; REC X1 is no leaving) in the 12 "
        "months ending on the date, counted once each on the last occasion as in DfE "
        "statistics, excluding children who were UASC at any time in that period of care, the "
        "percentage who left because they were adopted (REC E11/E12) or made subject to a "
        "special guardianship order (REC E45-E48, or E43/E44 in older returns). A residence "
        "or child arrangements order (E41) is not a special guardianship order."
    ),
    plain=(
        "Of the children who left care in the last 12 months (not counting "
        "unaccompanied asylum-seeking children), the share who left because they were "
        "adopted or because the court made a special guardianship order (which places a "
        "child with a relative or other carer until they are 18)."
    ),
    sources=("episodes", "uasc"),
    assumptions=("cic03-reasons",),
)
def ad06(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children who left care in the window, on the last occasion, not UASC in that period
    of care: adopted or SGO (AD-06)."""
    left = events_in_window(cached(ctx, "adoption.leavers", lambda: _leavers(ctx)), "ref_date",
                            dates, "R12M")
    last = first_or_last_per_child(left, "ref_date", "last")
    return last[~last.pop("uasc").to_numpy(dtype=bool)].assign(denominator=1)


def _leavers(ctx: Context) -> pd.DataFrame:
    """Periods of care that ceased (``derive.periods_of_care``), with ``uasc`` (UASC at any
    time in the period) and numerator = adopted or SGO."""
    per = ctx.derived.periods
    left = per[per["ceased"].to_numpy(dtype=bool)]
    duc = left["CHILD"].map(ctx.derived.children.set_index("CHILD")["duc"])
    permanent = left["last_rec"].isin(groups.ADOPTED_REC | groups.SGO_REC)
    out = pd.DataFrame({"CHILD": left["CHILD"], "ref_date": left["end"].astype("datetime64[us]"),
                        "numerator": permanent.to_numpy(dtype=int),
                        "uasc": (duc > left["start"]).to_numpy(dtype=bool, na_value=False)})
    return out.sort_values("ref_date", kind="stable").reset_index(drop=True)


def _waiting(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children in care on the date with a placement order (LS E1/D1) or placed for adoption
    (PLACE A3-A6), their status and how long they have waited in it.

    A disruption (leaving A3-A6 without an adoption) voids the match made before it, so the
    child is back to "placement order, not matched" until a later match. A child whose
    decision to be placed for adoption was reversed (placed_for_adoption.DATE_PLACED_CEASED
    on or before the date, with no later decision) is no longer waiting for adoption.
    """

    def adoption_episodes() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        j = journeys(ctx)
        j = j.loc[(j["po"].notna() | j["placed"].notna()).to_numpy(dtype=bool),
                  ["period_id", "po", "match"]]
        ep = ctx.derived.episodes[["CHILD", "DECOM", "DEC", "period_id", "LS"]].join(
            adoptive_runs(ctx)[["placed_now", "since_placed", "disrupted"]])
        ep = ep.loc[ep["period_id"].isin(j["period_id"]).to_numpy(dtype=bool)]
        pfa = ctx.data.placed_for_adoption
        decisions = pd.DataFrame({
            "CHILD": _codes(pfa["CHILD"]),
            "made": pfa["DATE_PLACED"].astype("datetime64[us]"),
            "ceased": pfa["DATE_PLACED_CEASED"].astype("datetime64[us]"),
        })
        return ep, j, decisions

    ep, j, decisions = cached(ctx, "adoption.episodes", adoption_episodes)
    cic = in_care_on(ep, dates).drop(columns=["DECOM", "DEC"]).merge(j, on="period_id")
    cic = _decision_on(cic.sort_values("date", kind="stable").reset_index(drop=True), decisions)
    placed = cic["placed_now"].to_numpy(dtype=bool)
    order = cic["LS"].isin(groups.PLACEMENT_ORDER_LS).to_numpy(dtype=bool)
    reset = cic[["disrupted", "reversed"]].max(axis=1)
    matched_on = ((cic["match"] <= cic["date"]) & (reset.isna() | (cic["match"] >= reset)))
    matched = matched_on.to_numpy(dtype=bool, na_value=False)
    stages = [order & ~matched & ~placed, order & matched & ~placed, placed]
    status = np.select(stages, list(WAITING_STATUSES), "")
    status[cic["plan_ended"].to_numpy(dtype=bool)] = ""
    since = np.select(stages, [cic["po"], cic["match"], cic["since_placed"]],
                      np.datetime64("NaT"))
    cic = cic.assign(status=status, since=pd.to_datetime(since))[status != ""]
    d = cic["date"]
    band = np.select(
        [cic["since"] > d - pd.DateOffset(months=m) for m in (6, 12, 18)],
        list(WAITING_BANDS[:3]), WAITING_BANDS[3])
    return cic.assign(status=pd.Categorical(cic["status"], categories=WAITING_STATUSES),
                      waiting=pd.Categorical(band, categories=WAITING_BANDS))


def _decision_on(units: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``units`` (sorted by ``date``) with ``plan_ended``: the child's latest decision to be
    placed for adoption made by the date was reversed by then; and ``reversed``: the date of
    the latest reversal on or before the date (NaT if none)."""
    left = units.assign(date=units["date"].astype("datetime64[us]"))
    made = decisions.dropna(subset=["made"]).sort_values("made", kind="stable")
    latest = pd.merge_asof(left[["date", "CHILD"]], made, left_on="date", right_on="made",
                           by="CHILD", direction="backward")
    ceased = decisions[["CHILD", "ceased"]].dropna().sort_values("ceased", kind="stable")
    last = pd.merge_asof(left[["date", "CHILD"]], ceased, left_on="date", right_on="ceased",
                         by="CHILD", direction="backward")
    ended = (latest["ceased"] <= latest["date"]).to_numpy(dtype=bool, na_value=False)
    return left.assign(plan_ended=ended, reversed=last["ceased"].to_numpy())


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
        "not yet adopted, by time waiting since the order, match or placement. A child whose "
        "adoptive placement ended without an adoption is back to 'placement order, not "
        "matched' until matched again; a child whose decision to be placed for adoption was "
        "reversed (placed_for_adoption.DATE_PLACED_CEASED) is no longer waiting. The adoption "
        "return (AD1) lists a child only in the year they are adopted, so a child matched but "
        "not yet adopted shows as not matched: on a date within the last 12 months of the data "
        "the two rows that need the match are flagged provisional (shown [p]); the total "
        "waiting is not affected."
    ),
    plain=(
        "The children in care on the date who are waiting to be adopted, by how long "
        "they have waited: those with a placement order who are not yet matched with a "
        "family, and those living with their adoptive family but not yet adopted."
    ),
    sources=("episodes", "ad1", "placed_for_adoption"),
    assumptions=("adoption-disruption", "adoption-matches"),
    categories=("status", "waiting", "provisional"),
)
def ad07(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children waiting on the date by status and waiting-time band (AD-07); the statuses
    that need the match are ``provisional`` in the last 12 months of the data."""
    units = _waiting(ctx, dates)
    needs_match = units["status"].isin(WAITING_STATUSES[:2]).to_numpy(dtype=bool)
    provisional = needs_match & matches_provisional(ctx, units["date"])
    return units.assign(provisional=provisional)[["date", "CHILD", "status", "waiting",
                                                  "provisional"]]


@indicator(
    "AD-07a",
    title="Children with a placement order who are not yet matched",
    polarity="L",
    period="SS",
    kind="count",
    unit="count",
    phrase="{value} children with a placement order were waiting to be matched",
    definition=(
        "Children in care on the date whose legal status is a placement order (LS E1/D1), "
        "not placed for adoption and with no match (AD1.DATE_MATCH) on or before the date; a "
        "match made before an adoptive placement that ended without an adoption no longer "
        "counts. A child whose decision to be placed for adoption was reversed is left out. "
        "The adoption return (AD1) lists a child only in the year they are adopted, so on a "
        "date within the last 12 months of the data the count is provisional: it includes "
        "children matched but not yet adopted, and falls as later returns are loaded."
    ),
    plain=(
        "The children in care on the date with a placement order who are not yet "
        "matched with an adoptive family."
    ),
    sources=("episodes", "ad1", "placed_for_adoption"),
    assumptions=("adoption-disruption", "adoption-matches"),
)
def ad07a(ctx: Context, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Children with a placement order, not matched, on the date (AD-07a)."""
    units = _waiting(ctx, dates)
    units = units.loc[units["status"].eq(WAITING_STATUSES[0]).to_numpy(dtype=bool),
                      ["date", "CHILD"]]
    return units.assign(provisional=matches_provisional(ctx, units["date"]))
