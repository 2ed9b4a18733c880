"""Looked-after reviews: first within 20 working days, then 3 months, then 6-monthly
(indicators.md IR-01): 99.5% of reviews on time, so ~97-98% of children meet IR-01;
participation codes PN0 (under 4), PN1-PN6, PN7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.synth.calendar import add_months, add_working_days, age_on
from cpanalytics.synth.lives import SHORT
from cpanalytics.synth.people import draw

ON_TIME = 0.995
_PARTICIPATION = {"PN1": 0.42, "PN2": 0.2, "PN3": 0.14, "PN4": 0.1, "PN5": 0.06, "PN6": 0.04,
                  "PN7": 0.04}


def reviews(rng: np.random.Generator, periods: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Every review held (child, REVIEW day, REVIEW_CODE) while each period lasts."""
    keep = (periods["path"] != SHORT).to_numpy()
    poc = np.flatnonzero(keep)
    start = periods["start"].to_numpy()[poc]
    end = np.minimum(periods["end"].to_numpy()[poc], horizon + 1)
    due = add_working_days(start, 20)
    rows = []
    k = 0
    live = due < end
    held = due
    while live.any():
        idx = np.flatnonzero(live)
        late = rng.random(len(idx)) > ON_TIME
        early = rng.integers(0, 12 if k == 0 else 25, len(idx))
        h = np.where(late, due[idx] + rng.integers(1, 20, len(idx)), due[idx] - early)
        h = np.maximum(h, start[idx] + 1)
        ok = h < end[idx]
        rows.append(pd.DataFrame({"poc": poc[idx][ok], "REVIEW": h[ok]}))
        held = held.copy()
        held[idx] = h
        due = add_months(held, 3 if k == 0 else 6)
        live = live & (due < end)
        k += 1
    out = pd.concat(rows, ignore_index=True).sort_values(["poc", "REVIEW"], kind="stable")
    dob = periods["dob"].to_numpy()[out["poc"].to_numpy()]
    code = draw(rng, _PARTICIPATION, len(out))
    code[age_on(dob, out["REVIEW"].to_numpy()) < 4] = "PN0"
    return out.assign(child=periods["child"].to_numpy()[out["poc"].to_numpy()],
                      REVIEW_CODE=code).reset_index(drop=True)
