"""Deterministic synthetic SSDA903 returns and local extracts for "Synthetic County Council".

``generate(out, first, last, seed)`` simulates children's lives in care (entering care,
placements, legal status, reviews, adoption, leaving care) and writes one return per
collection year plus the local extracts. Same seed -> byte-identical files. The data is
synthetic: it describes no real child.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalytics.synth import adoption, episodes, extracts, lives, outcomes, people, uasc
from cpanalytics.synth.calendar import DateText, add_years, calendar_year, year_end, year_start
from cpanalytics.synth.postcodes import Geography, load_geography
from cpanalytics.synth.reviews import reviews
from cpanalytics.synth.writer import write_year, year_tables

#: Years simulated before the first collection year so the stock in care is settled.
BURN_IN_YEARS = 19


@dataclass
class Summary:
    """What was generated: rows per table over all years, and seconds per stage."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    children: int = 0


def _children(rng: np.random.Generator, periods: pd.DataFrame, plan: lives.LaPlan,
              geo: Geography) -> pd.DataFrame:
    """One row per child (index = internal number, ordered by first entry)."""
    first = periods.sort_values(["start", "kid"], kind="stable").drop_duplicates("kid")
    n = len(first)
    kids = pd.DataFrame(index=pd.RangeIndex(n))
    la = first["la"].to_numpy()
    kids["la"] = la
    number = plan.number[la]
    seq = np.zeros(n, dtype=np.int64)
    order = np.lexsort((np.arange(n), la))
    counts = np.bincount(la, minlength=len(plan.number))
    seq[order] = np.concatenate([np.arange(c) for c in counts]) + 1
    kids["CHILD"] = np.char.add(np.char.zfill(number.astype(str), 3),
                                np.char.zfill(seq.astype(str), 6)).astype(object)
    kids["sex"] = first["sex"].to_numpy()
    kids["dob"] = first["dob"].to_numpy()
    is_uasc = (first["path"] == lives.UASC).to_numpy()
    kids["uasc"] = is_uasc
    kids["duc"] = np.where(is_uasc, add_years(kids["dob"].to_numpy(), 18), -1)
    nat = first["nationality"].fillna("").to_numpy() if "nationality" in first else np.full(n, "")
    kids["NATIONALITY"] = np.where(is_uasc, nat, "British")
    eth = people.draw(rng, people.CITIZEN_ETHNIC, n)
    kids["ETHNIC"] = np.where(is_uasc, uasc.ethnic_for(nat), eth)
    kids["UPN"] = people.upn(rng, np.full(n, 886), calendar_year(kids["dob"].to_numpy()))
    home = people.home_addresses(rng, geo, n)
    district = np.where(is_uasc, 3, home["district"].to_numpy())  # UASC arrive via Dover
    home = people.home_addresses(rng, geo, n, district)
    for col in home.columns:
        kids[col] = home[col].to_numpy()
    kids["DISABILITY"] = people.disability(rng, n)
    kids.loc[(first["path"] == lives.SHORT).to_numpy(), "DISABILITY"] = "LEARNING"
    last = periods.sort_values("start", kind="stable").drop_duplicates("kid", keep="last")
    last = last.set_index("kid").reindex(first["kid"].to_numpy())
    lo = np.maximum(last["start"].to_numpy(), add_years(kids["dob"].to_numpy(), 15))
    hi = last["end"].to_numpy()
    kids["MOTHER"] = ((kids["sex"].to_numpy() == 1) & (rng.random(n) < 0.04) & (hi - lo > 30)
                      & (last["path"].to_numpy() != lives.SHORT))
    kids["mc_dob"] = np.where(kids["MOTHER"], lo + (rng.random(n) * np.maximum(hi - lo - 1, 0))
                              .astype(np.int64), -1)
    kids["short_breaks"] = (first["path"] == lives.SHORT).to_numpy()
    kids["kid"] = first["kid"].to_numpy()
    return kids


def simulate(seed: int, first: int, last: int, scale: float = 1.0, las: int = 1
             ) -> tuple[dict, Summary]:
    """Simulate every child's history; returns the world (internal tables) and timings."""
    summary = Summary()
    t0 = time.perf_counter()
    seq = np.random.SeedSequence(seed)
    streams = [np.random.default_rng(s) for s in seq.spawn(12)]
    geo = load_geography(streams[0])
    plan = lives.la_plan(streams[1], scale, las)
    horizon = year_end(last)
    burn = first - BURN_IN_YEARS
    summary.seconds["postcodes"] = time.perf_counter() - t0

    t = time.perf_counter()
    cit = lives.with_ends(streams[2], lives.citizen_periods(streams[2], plan, burn, last))
    # children who turn 22 before the first year can appear in no return: drop them early
    cit = cit[(cit["start"] <= horizon)
              & (add_years(cit["dob"].to_numpy(), 22) >= year_start(first))].reset_index(drop=True)
    cit["kid"] = np.arange(len(cit))
    cit = adoption.adoption_timeline(streams[3], cit)
    again = lives.reentries(streams[2], cit, horizon)
    again = adoption.adoption_timeline(streams[3], again)
    ua = uasc.uasc_periods(streams[4], plan, first - 4, last)
    ua = ua[ua["start"] <= horizon].reset_index(drop=True)
    ua["kid"] = len(cit) + np.arange(len(ua))
    sb = lives.short_break_periods(streams[5], plan, first - 3, last)
    sb = sb[sb["start"] <= horizon].reset_index(drop=True)
    sb["kid"] = len(cit) + len(ua) + sb.pop("sb_kid").to_numpy()
    periods = pd.concat([cit, again, ua, sb], ignore_index=True)
    for col in ("adm", "e1", "match", "placed"):
        periods[col] = periods[col].fillna(-1).astype(np.int64)
    periods["foster_adopt"] = periods["foster_adopt"].fillna(False).astype(bool)
    periods = periods.sort_values(["start", "kid"], kind="stable").reset_index(drop=True)

    kids = _children(streams[6], periods, plan, geo)
    child_of_kid = pd.Series(kids.index.to_numpy(), index=kids["kid"].to_numpy())
    periods["child"] = child_of_kid.reindex(periods["kid"].to_numpy()).to_numpy()
    # a child's periods share their date of birth and sex
    periods["dob"] = kids["dob"].to_numpy()[periods["child"].to_numpy()]
    for col in ("district", "HOME_POST", "home_e", "home_n"):
        periods[col] = kids[col].to_numpy()[periods["child"].to_numpy()]
    periods["cin"] = episodes.cin_codes(streams[7], periods["path"].to_numpy())
    summary.seconds["periods"] = time.perf_counter() - t

    t = time.perf_counter()
    legal = episodes.legal_statuses(streams[8], periods, horizon)
    seg = episodes.placements(streams[8], periods, geo, legal, horizon)
    eps = episodes.episodes(streams[8], periods, seg, legal)
    summary.seconds["episodes"] = time.perf_counter() - t

    t = time.perf_counter()
    rv = reviews(streams[9], periods, horizon)
    adopted = periods[periods["rec"].isin(["E11", "E12"]) & (periods["path"] == lives.ADOPT)]
    ad1 = adoption.ad1_rows(streams[10], adopted)
    ad_all = periods[periods["path"] == lives.ADOPT]
    placed = pd.DataFrame({"child": ad_all["child"].to_numpy(),
                           "DATE_PLACED": ad_all["adm"].to_numpy(),
                           "ceased": ad_all["end"].to_numpy()})
    leavers = outcomes.care_leavers(streams[11], periods)
    starts = periods[["child", "start", "dob"]]
    prev = outcomes.previous_permanence(streams[11], starts).assign(
        start=starts["start"].to_numpy())
    years = range(first, last + 1)
    world = {
        "children": kids, "periods": periods, "episodes": eps, "reviews": rv, "ad1": ad1,
        "placed_for_adoption": placed, "previous_permanence": prev,
        "missing": outcomes.within_episodes(
            outcomes.missing_episodes(streams[11], periods, horizon), eps, first, last),
        "oc2": {y: outcomes.oc2(streams[11], periods, year_start(y), year_end(y)) for y in years},
        "oc3": {y: outcomes.oc3(streams[11], leavers, y) for y in years},
        "plan": plan, "geo": geo,
    }
    summary.seconds["annual tables"] = time.perf_counter() - t
    summary.children = len(kids)
    return world, summary


def generate(out: Path, first: int, last: int, seed: int, scale: float = 1.0, las: int = 1
             ) -> Summary:
    """Simulate and write ``out/903/<YYYY>/*.csv`` and ``out/local/*.csv``."""
    world, summary = simulate(seed, first, last, scale, las)
    t = time.perf_counter()
    fmt = DateText()
    for year in range(first, last + 1):
        tables = year_tables(year, world, fmt)
        write_year(Path(out), year, tables)
        for name, df in tables.items():
            summary.rows[name] = summary.rows.get(name, 0) + len(df)
    summary.seconds["write 903"] = time.perf_counter() - t
    t = time.perf_counter()
    population_scale = float(world["plan"].scale.sum())
    for name, n in extracts.write_extracts(Path(out), world, first, last, seed, fmt,
                                           population_scale).items():
        summary.rows[name] = n
    summary.seconds["local extracts"] = time.perf_counter() - t
    return summary
