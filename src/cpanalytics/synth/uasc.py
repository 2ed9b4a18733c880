"""Unaccompanied asylum-seeking children: arrivals (with the 2015 surge), age, sex, nationality.

Seed profile (indicators.md UA-01..UA-03): mostly boys aged 15-17 from Afghanistan,
Eritrea, Sudan, Iran, Iraq, Vietnam and Albania; 200-350 in care at most times.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.synth.calendar import add_years
from cpanalytics.synth.lives import UASC, LaPlan, monthly_starts

#: Arrivals a year at scale 1 by calendar year (the 2015 surge, the 2020 dip).
ARRIVALS = {2014: 190, 2015: 620, 2016: 260, 2017: 170, 2018: 172, 2019: 200, 2020: 110,
            2021: 210, 2022: 260, 2023: 210, 2024: 185}
ARRIVALS_DEFAULT = 130

NATIONALITY = {"Afghanistan": 0.27, "Eritrea": 0.24, "Sudan": 0.09, "Iran": 0.08,
               "Iraq": 0.07, "Vietnam": 0.09, "Albania": 0.08, "Syria": 0.04, "Ethiopia": 0.04}
ETHNIC_BY_NATIONALITY = {"Afghanistan": "AOTH", "Eritrea": "BAFR", "Sudan": "BAFR",
                         "Iran": "OOTH", "Iraq": "OOTH", "Vietnam": "AOTH", "Albania": "WOTH",
                         "Syria": "OOTH", "Ethiopia": "BAFR"}
#: Age at arrival 14, 15, 16, 17.
AGE_AT_ARRIVAL = np.array([0.05, 0.2, 0.38, 0.37])


def uasc_periods(rng: np.random.Generator, plan: LaPlan, first: int, last: int
                 ) -> pd.DataFrame:
    """One period of care per UASC arrival, ending at 18 (or earlier for a few)."""
    years = np.arange(first, last + 1)
    rate = np.array([ARRIVALS.get(int(y), ARRIVALS_DEFAULT) for y in years], dtype=float)
    monthly = np.repeat(rate, 12)
    surge = (np.repeat(years, 12) == 2015) & (np.tile(np.arange(12), len(years)) >= 5)
    monthly = np.where(surge, monthly * 1.7, monthly)
    monthly = np.where((np.repeat(years, 12) == 2015) & ~surge, monthly * 0.1, monthly)
    la_idx, start = monthly_starts(rng, plan.uasc_scale[:, None] * monthly[None, :], first, last)
    n = len(start)
    age = 14 + rng.choice(4, size=n, p=AGE_AT_ARRIVAL)
    dob = start - (age * 365.25 + rng.random(n) * 364).astype(np.int64)
    nationality = np.array(list(NATIONALITY))[
        rng.choice(len(NATIONALITY), size=n, p=np.array(list(NATIONALITY.values())))]
    eighteen = add_years(dob, 18)
    early = rng.random(n)
    end = eighteen.copy()
    rec = rng.choice(["E5", "E6", "E17", "E8"], size=n, p=[0.5, 0.15, 0.15, 0.2]).astype(object)
    left_early = early < 0.08
    end[left_early] = np.minimum(eighteen[left_early],
                                 start[left_early] + rng.integers(5, 200, left_early.sum()))
    rec[left_early] = rng.choice(["E15", "E3", "E8"], left_early.sum(), p=[0.3, 0.4, 0.3])
    return pd.DataFrame({
        "la": la_idx, "dob": dob, "start": start, "path": UASC,
        "sex": (rng.random(n) < 0.06).astype(int), "end": np.maximum(end, start + 1), "rec": rec,
        "nationality": nationality,
    })


def ethnic_for(nationality: np.ndarray) -> np.ndarray:
    """ETHNIC code for each UASC nationality."""
    return pd.Series(nationality).map(ETHNIC_BY_NATIONALITY).to_numpy(dtype=object)
