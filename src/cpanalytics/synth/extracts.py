"""Local extracts (data-contract.md "Local extracts"): health assessments, child attributes,
IRO allocations, staff and escalations, care plan audits, population and comparators.

Calibrated to the seed packs: IHA request within 5 working days ~88%, IHA within 20
working days ~75% (UASC later), same IRO for 12 months ~72%, ~26 IRO FTE, ~150
escalations a year (DR1 85%, DR2 11%, DR3 4%), care plans good or better ~75%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cpanalytics.data.model import LOCAL_EXTRACTS
from cpanalytics.synth.calendar import (
    DateText,
    add_months,
    add_working_days,
    age_on,
    year_end,
    year_start,
)
from cpanalytics.synth.lives import SHORT, UASC
from cpanalytics.synth.people import draw
from cpanalytics.synth.writer import write_csv

_DELAY = {"Late notification to health": 0.3, "Consent not received": 0.2,
          "Clinic capacity": 0.2, "Child moved placement": 0.15, "Child declined": 0.1,
          "Interpreter needed": 0.05}
_CATEGORY = {"Care planning": 0.35, "Placement": 0.2, "Health": 0.1, "Education": 0.1,
             "Contact": 0.1, "Permanence": 0.1, "Social worker visits": 0.05}
_GRADE = {"OUTSTANDING": 0.1, "GOOD": 0.65, "RI": 0.2, "INADEQUATE": 0.05}

#: England and regional comparators: (indicator, England, Stat neighbours, South East).
#: Invented comparator figures (England, statistical neighbours, region), each for the same
#: measure as the indicator it is keyed to: CIC-02 excludes UASC, CIC-08D is the DfE "outside
#: the LA and over 20 miles" measure, CL-02/CL-03 are shares of all care leavers.
COMPARATORS = (
    ("CIC-02", 58.0, 50.0, 52.0), ("CIC-08D", 14.0, 9.0, 11.0), ("PS-01", 10.0, 10.5, 10.0),
    ("PS-02", 70.0, 69.0, 70.0), ("HE-04", 89.4, 90.0, 88.0), ("HE-05", 83.4, 85.0, 84.0),
    ("AD-01", 593.0, 520.0, 540.0), ("AD-02", 190.0, 200.0, 195.0),
    ("CL-01", 88.0, 87.0, 88.0), ("CL-02", 53.0, 52.0, 54.0), ("CL-03", 85.0, 84.0, 86.0),
    ("IR-01", 90.0, 92.0, 91.0), ("IR-02", 92.0, 93.0, 92.0),
)


def _periods(world: dict, first: int) -> pd.DataFrame:
    p = world["periods"]
    return p[(p["path"] != SHORT) & (p["end"] >= year_start(first))].reset_index(drop=True)


def health_assessments(rng: np.random.Generator, world: dict, first: int, horizon: int
                       ) -> pd.DataFrame:
    """IHA per period of care, then RHAs (6-monthly under 5, yearly from 5) and dental checks."""
    p = _periods(world, first)
    p = p[p["start"] >= year_start(first) - 60].reset_index(drop=True)
    n = len(p)
    start = p["start"].to_numpy()
    uasc = (p["path"] == UASC).to_numpy()
    req_wd = np.where(rng.random(n) < 0.92, rng.integers(0, 6, n), rng.integers(6, 16, n))
    on_time = rng.random(n) < np.where(uasc, 0.6, 0.78)
    done_wd = np.where(on_time, rng.integers(8, 21, n), rng.integers(21, 60, n))
    requested = add_working_days(start, req_wd)
    completed = add_working_days(start, done_wd)
    done = completed < np.minimum(p["end"].to_numpy(), horizon)
    late = ~on_time
    iha = pd.DataFrame({
        "child": p["child"].to_numpy(), "TYPE": "IHA", "DATE_REQUESTED": requested,
        "DATE_COMPLETED": np.where(done, completed, -1), "PROVIDER": np.where(
            rng.random(n) < 0.9, "Synthetic Community Health", "Out of area provider"),
        "DELAY_REASON": np.where(late, draw(rng, _DELAY, n), ""),
        "BREACH_BY": np.where(late, np.where(rng.random(n) < 0.62, "LA", "HEALTH"), ""),
    })
    rows = [iha]
    end = np.minimum(p["end"].to_numpy(), horizon)
    for kind, gap in (("RHA", None), ("DENTAL", 12)):
        last = np.where(done, completed, start)
        while True:
            months = gap or np.where(age_on(p["dob"].to_numpy(), last) < 5, 6, 12)
            due = add_months(last, months)
            slip = np.where(rng.random(n) < 0.94, -rng.integers(0, 30, n), rng.integers(1, 60, n))
            held = due + slip
            live = held < end
            if not live.any():
                break
            rows.append(pd.DataFrame({
                "child": p["child"].to_numpy()[live], "TYPE": kind,
                "DATE_REQUESTED": (due - 28)[live], "DATE_COMPLETED": held[live],
                "PROVIDER": "Synthetic Community Health" if kind == "RHA" else "Dental practice",
                "DELAY_REASON": "", "BREACH_BY": "",
            }))
            last = np.where(live, held, end + 10_000)
    return pd.concat(rows, ignore_index=True).sort_values(
        ["child", "DATE_REQUESTED", "TYPE"], kind="stable")


def iro_allocations(rng: np.random.Generator, world: dict, first: int, horizon: int,
                    n_iro: int) -> pd.DataFrame:
    """IRO for each period of care, changing now and then (~72% keep one IRO for 12 months)."""
    p = _periods(world, first)
    n = len(p)
    start = p["start"].to_numpy()
    end = np.minimum(p["end"].to_numpy(), horizon + 1)
    iro = rng.integers(0, n_iro, n)
    t = start.copy()
    rows = []
    live = np.ones(n, dtype=bool)
    while live.any():
        nxt = t + rng.exponential(1000, n).astype(np.int64) + 30
        stop = np.minimum(nxt, end)
        rows.append(pd.DataFrame({"child": p["child"].to_numpy()[live], "iro": iro[live],
                                  "START": t[live], "END": np.where(
                                      stop[live] > horizon, -1, stop[live])}))
        live &= nxt < end
        t = nxt
        iro = (iro + rng.integers(1, n_iro, n)) % n_iro
    out = pd.concat(rows, ignore_index=True).sort_values(["child", "START"], kind="stable")
    return out.assign(IRO_ID=np.char.add("IRO", np.char.zfill(out["iro"].to_numpy().astype(str), 3)))


def iro_staff(rng: np.random.Generator, n_iro: int, first: int) -> pd.DataFrame:
    """IRO posts with FTE; a few leave and are replaced (same post id, new dates)."""
    fte = np.round(rng.choice([1.0, 1.0, 1.0, 0.8, 0.6], n_iro), 1)
    return pd.DataFrame({"IRO_ID": [f"IRO{i:03d}" for i in range(n_iro)], "FTE": fte,
                         "START": year_start(first) - rng.integers(0, 3000, n_iro), "END": -1})


def escalations(rng: np.random.Generator, world: dict, first: int, last: int, scale: float
                ) -> pd.DataFrame:
    """Dispute resolution escalations, about 150 a year at scale 1."""
    eps = world["episodes"]
    rows = []
    for year in range(first, last + 1):
        ys, ye = year_start(year), year_end(year)
        live = eps[(eps["DECOM"] <= ye) & (eps["DEC"] > ys)]
        k = rng.poisson(150 * scale)
        pick = live.iloc[rng.integers(0, len(live), k)] if len(live) else live
        lo = np.maximum(pick["DECOM"].to_numpy(), ys)
        hi = np.minimum(pick["DEC"].to_numpy(), ye)
        raised = lo + (rng.random(len(pick)) * np.maximum(hi - lo, 1)).astype(np.int64)
        stage = draw(rng, {"DR1": 0.85, "DR2": 0.11, "DR3": 0.04}, len(pick))
        resolved = raised + rng.integers(3, 40, len(pick)) * np.where(stage == "DR1", 1, 2)
        rows.append(pd.DataFrame({"child": pick["child"].to_numpy(), "DATE_RAISED": raised,
                                  "STAGE": stage, "CATEGORY": draw(rng, _CATEGORY, len(pick)),
                                  "DATE_RESOLVED": np.where(resolved > year_end(last), -1,
                                                            resolved)}))
    out = pd.concat(rows, ignore_index=True).sort_values("DATE_RAISED", kind="stable")
    return out.assign(DR_ID=[f"DR{i:06d}" for i in range(1, len(out) + 1)])


def care_plan_qa(rng: np.random.Generator, world: dict, first: int, last: int, scale: float
                 ) -> pd.DataFrame:
    """Care plan audit grades (~75% good or better), about 600 audits a year at scale 1."""
    eps = world["episodes"]
    eps = eps[~eps["LS"].isin(["V3", "V4"])]
    rows = []
    for year in range(first, last + 1):
        ys, ye = year_start(year), year_end(year)
        live = eps[(eps["DECOM"] <= ye) & (eps["DEC"] > ys)]
        k = rng.poisson(600 * scale)
        pick = live.iloc[rng.integers(0, len(live), k)] if len(live) else live
        lo = np.maximum(pick["DECOM"].to_numpy(), ys)
        hi = np.minimum(pick["DEC"].to_numpy(), ye)
        rows.append(pd.DataFrame({
            "child": pick["child"].to_numpy(),
            "DATE": lo + (rng.random(len(pick)) * np.maximum(hi - lo, 1)).astype(np.int64),
            "GRADE": draw(rng, _GRADE, len(pick))}))
    return pd.concat(rows, ignore_index=True).sort_values(["DATE", "child"], kind="stable")


def population(first: int, last: int, scale: float) -> pd.DataFrame:
    """Mid-year 0-17 population: ~325,000 in 2014 rising to ~345,000 (scaled)."""
    years = np.arange(first, last + 1)
    value = 325_000 + (years - 2014) * 1_820
    return pd.DataFrame({"YEAR": years, "AGE_0_17": np.round(value * scale).astype(int)})


def comparators(first: int, last: int) -> pd.DataFrame:
    """Benchmarks per indicator, year and area (England figures from the seed packs)."""
    rows = [(ind, year, area, value)
            for ind, *values in COMPARATORS for year in range(first, last + 1)
            for area, value in zip(("England", "Stat neighbours", "South East"), values,
                                   strict=True)]
    return pd.DataFrame(rows, columns=LOCAL_EXTRACTS["comparators"])


def write_extracts(out: Path, world: dict, first: int, last: int, seed: int, fmt: DateText,
                   scale: float = 1.0) -> dict[str, int]:
    """Write ``out/local/<extract>.csv``; returns rows per extract."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 903]))
    horizon = year_end(last)
    kids = world["children"]
    n_iro = max(2, round(30 * scale))
    tables = {
        "health_assessments": health_assessments(rng, world, first, horizon),
        "child_attributes": pd.DataFrame({"child": kids.index.to_numpy(),
                                          "NATIONALITY": kids["NATIONALITY"].to_numpy(),
                                          "DISTRICT": kids["DISTRICT"].to_numpy(),
                                          "DISABILITY": kids["DISABILITY"].to_numpy()}),
        "iro_allocations": iro_allocations(rng, world, first, horizon, n_iro),
        "iro_staff": iro_staff(rng, n_iro, first),
        "iro_escalations": escalations(rng, world, first, last, scale),
        "care_plan_qa": care_plan_qa(rng, world, first, last, scale),
        "population": population(first, last, scale),
        "comparators": comparators(first, last),
    }
    rows = {}
    for name, df in tables.items():
        df = df.copy()
        if "child" in df.columns:
            df["CHILD"] = kids["CHILD"].to_numpy()[df["child"].to_numpy()]
        for col in ("DATE_REQUESTED", "DATE_COMPLETED", "START", "END", "DATE_RAISED",
                    "DATE_RESOLVED", "DATE"):
            if col in df.columns:
                df[col] = fmt(df[col].to_numpy())
        df = df[LOCAL_EXTRACTS[name]]
        write_csv(df, out / "local" / f"{name}.csv")
        rows[name] = len(df)
    return rows
