"""Periods of care: who enters care, when, at what age, by which pathway, and how it ends.

Calibrated to the seed packs (indicators.md): about 1,400 citizen children in care at
scale 1, about 26% of leavers home to parents, ~95 adoptions a year, ~14% of starts
re-entering within 24 months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpanalytics.synth.calendar import add_years, age_on, day

# Pathways through a period of care.
ADOPT, SGO, HOME, LONG, OTHER, REMAND, UASC, SHORT = range(8)

#: Citizen starts a year at scale 1.
CITIZEN_STARTS = 730.0
#: Children on a series of short breaks at any time at scale 1, and breaks a year each.
SHORT_BREAK_CHILDREN = 35.0
SHORT_BREAKS_PER_YEAR = 10

#: Age bands at entry (<1, 1-4, 5-9, 10-15, 16-17): share of citizen starts.
AGE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 18))
AGE_SHARE = np.array([0.21, 0.15, 0.16, 0.34, 0.14])
#: Pathway probabilities by age band (ADOPT, SGO, HOME, LONG, OTHER, REMAND).
PATH_BY_BAND = np.array([
    [0.45, 0.13, 0.25, 0.13, 0.04, 0.00],
    [0.22, 0.16, 0.36, 0.20, 0.06, 0.00],
    [0.02, 0.10, 0.48, 0.30, 0.10, 0.00],
    [0.00, 0.03, 0.50, 0.32, 0.12, 0.03],
    [0.00, 0.00, 0.42, 0.44, 0.10, 0.04],
])
#: Chance that a child who went home re-enters care (within 24 months).
REENTRY = 0.30


@dataclass
class LaPlan:
    """The authorities to simulate: number (for ids), citizen and UASC scale factors."""

    number: np.ndarray
    scale: np.ndarray
    uasc_scale: np.ndarray


def la_plan(rng: np.random.Generator, scale: float, las: int) -> LaPlan:
    """One county at ``scale``, or ``las`` authorities of varied size (mean ~530 CiC each)."""
    if las <= 1:
        return LaPlan(np.array([0]), np.array([scale]), np.array([scale]))
    size = rng.lognormal(0.0, 0.6, size=las)
    size = size / size.mean() * (530.0 / 1400.0) * scale
    uasc = size * rng.gamma(1.0, 0.25, size=las)
    return LaPlan(np.arange(1, las + 1), size, uasc)


def monthly_starts(
    rng: np.random.Generator, per_year: np.ndarray, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """(la index, start day) for Poisson starts; ``per_year`` is (n_las, n_months) rates."""
    months = np.arange(np.datetime64(f"{first}-01", "M"), np.datetime64(f"{last}-12", "M") + 1)
    counts = rng.poisson(per_year / 12.0)
    la_idx = np.repeat(np.arange(counts.shape[0]), counts.sum(axis=1))
    month_of = np.concatenate([np.repeat(np.arange(len(months)), c) for c in counts])
    m0 = (months[month_of].astype("datetime64[D]") - np.datetime64("1970-01-01")).astype(np.int64)
    length = ((months[month_of] + 1).astype("datetime64[D]")
              - months[month_of].astype("datetime64[D]")).astype(np.int64)
    return la_idx, m0 + (rng.random(len(m0)) * length).astype(np.int64)


def _ends(rng: np.random.Generator, path: np.ndarray, start: np.ndarray, dob: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """End day and REC for each period, by pathway (capped at the 18th birthday)."""
    n = len(path)
    dur = np.zeros(n)
    rec = np.full(n, "E8", dtype=object)
    home = path == HOME
    dur[home] = rng.lognormal(np.log(120), 1.0, home.sum())
    rec[home] = rng.choice(["E13", "E4A", "E8"], home.sum(), p=[0.6, 0.28, 0.12])
    sgo = path == SGO
    dur[sgo] = rng.gamma(4.0, 160.0, sgo.sum())
    rec[sgo] = rng.choice(["E41", "E45", "E46", "E47", "E48"], sgo.sum(),
                          p=[0.15, 0.45, 0.25, 0.1, 0.05])
    long_ = path == LONG
    dur[long_] = rng.lognormal(np.log(4 * 365), 0.9, long_.sum())
    rec[long_] = rng.choice(["E4A", "E8", "E13", "E3"], long_.sum(), p=[0.35, 0.3, 0.3, 0.05])
    other = path == OTHER
    dur[other] = rng.lognormal(np.log(200), 0.9, other.sum())
    rec[other] = rng.choice(["E8", "E3", "E4B", "E16", "E2"], other.sum(),
                            p=[0.55, 0.2, 0.15, 0.08, 0.02])
    remand = path == REMAND
    dur[remand] = rng.uniform(10, 120, remand.sum())
    rec[remand] = rng.choice(["E14", "E9"], remand.sum(), p=[0.75, 0.25])
    end = start + np.maximum(1, np.round(dur)).astype(np.int64)
    eighteen = add_years(dob, 18)
    capped = end >= eighteen
    end = np.where(capped, eighteen, end)
    rec[capped] = rng.choice(["E5", "E6", "E17", "E7", "E8"], capped.sum(),
                             p=[0.38, 0.15, 0.25, 0.02, 0.2])
    return end, rec


def citizen_periods(rng: np.random.Generator, plan: LaPlan, first: int, last: int
                    ) -> pd.DataFrame:
    """First periods of care for citizen children, starting from ``first`` (calendar year)."""
    n_months = (last - first + 1) * 12
    la_idx, start = monthly_starts(
        rng, np.repeat(plan.scale[:, None] * CITIZEN_STARTS, n_months, axis=1), first, last)
    n = len(start)
    band = rng.choice(len(AGE_BANDS), size=n, p=AGE_SHARE)
    lo = np.array([b[0] for b in AGE_BANDS])[band] * 365.25
    hi = np.array([b[1] for b in AGE_BANDS])[band] * 365.25 - 1
    dob = start - (lo + rng.random(n) * (hi - lo)).astype(np.int64)
    cum = PATH_BY_BAND.cumsum(axis=1)
    path = (rng.random(n)[:, None] > cum[band]).sum(axis=1)
    return pd.DataFrame({"la": la_idx, "dob": dob, "start": start, "path": path,
                         "sex": (rng.random(n) < 0.42).astype(int)})


def with_ends(rng: np.random.Generator, periods: pd.DataFrame) -> pd.DataFrame:
    """Add end day and REC for every period."""
    end, rec = _ends(rng, periods["path"].to_numpy(), periods["start"].to_numpy(),
                     periods["dob"].to_numpy())
    return periods.assign(end=end, rec=rec)


def reentries(rng: np.random.Generator, periods: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Later periods for children who went home and came back within 24 months."""
    out = []
    current = periods
    for _ in range(2):
        went_home = (current["rec"].isin(["E13", "E4A", "E8"])
                     & (current["path"] != ADOPT)).to_numpy()
        back = went_home & (rng.random(len(current)) < REENTRY)
        again = current[back].copy()
        again["start"] = again["end"].to_numpy() + rng.integers(20, 720, size=len(again))
        age = age_on(again["dob"].to_numpy(), again["start"].to_numpy())
        keep = (age < 17) & (again["start"].to_numpy() < horizon)
        again = again[keep]
        band = np.searchsorted([1, 5, 10, 16], age[keep], side="right")
        cum = PATH_BY_BAND.cumsum(axis=1)
        again["path"] = (rng.random(len(again))[:, None] > cum[band]).sum(axis=1)
        again = with_ends(rng, again.drop(columns=["end", "rec"]))
        out.append(again)
        current = again
    return pd.concat(out, ignore_index=True)


def short_break_periods(rng: np.random.Generator, plan: LaPlan, first: int, last: int
                        ) -> pd.DataFrame:
    """Disabled children on a series of short breaks (LS V3/V4): one period per break."""
    per_year = plan.scale * SHORT_BREAK_CHILDREN / 3.0  # a series lasts about 3 years
    n_kids = rng.poisson(per_year * (last - first + 1))
    la_idx = np.repeat(np.arange(len(plan.scale)), n_kids)
    k = len(la_idx)
    series_start = day(f"{first}-01-01") + rng.integers(0, 365 * (last - first + 1), size=k)
    dob = series_start - rng.integers(5 * 365, 14 * 365, size=k)
    n_breaks = rng.integers(SHORT_BREAKS_PER_YEAR * 2, SHORT_BREAKS_PER_YEAR * 4, size=k)
    kid = np.repeat(np.arange(k), n_breaks)
    nth = np.concatenate([np.arange(m) for m in n_breaks]) if k else np.zeros(0, np.int64)
    start = series_start[kid] + nth * (365 // SHORT_BREAKS_PER_YEAR) + rng.integers(0, 10, len(kid))
    return pd.DataFrame({
        "la": la_idx[kid], "dob": dob[kid], "start": start, "path": SHORT,
        "sex": (rng.random(k) < 0.35).astype(int)[kid], "sb_kid": kid,
        "end": start + rng.integers(2, 5, size=len(kid)), "rec": "E13",
    })
