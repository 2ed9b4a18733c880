"""The adoption pathway: ADM decision, placement order (LS E1), match, placement, order.

Calibrated to the seed scorecard: A1 (entering care to placed) ~330-360 days, A2
(placement order to match) ~105-125 days, placed to adoption order ~200 days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.synth.calendar import EPOCH
from cpanalytics.synth.lives import ADOPT

#: Share of adoptions by the child's foster carers (AD1 FOSTER_CARE = 1).
FOSTER_CARER_ADOPTION = 0.15
#: Share of those placed for adoption (U4-U6 -> A5) on the day of the placement order, so
#: placement and legal status change together with the same carer (RNE U); the rest are
#: placed later (RNE T). DfE rule 217: A5 starts with RNE S, T or U.
PLACED_AT_ORDER = 0.4


def adoption_timeline(rng: np.random.Generator, periods: pd.DataFrame) -> pd.DataFrame:
    """Add adm, e1, match, placed days, foster-carer flag and the adoption order (end, REC)."""
    p = periods.copy()
    ad = (p["path"] == ADOPT).to_numpy()
    n = int(ad.sum())
    start = p["start"].to_numpy()[ad]
    e1 = start + np.maximum(60, rng.normal(212, 70, n)).astype(np.int64)
    adm = start + ((e1 - start) * rng.uniform(0.45, 0.8, n)).astype(np.int64)
    match = e1 + np.maximum(0, rng.normal(112, 85, n)).astype(np.int64)
    match = np.where(rng.random(n) < 0.06, e1 - rng.integers(1, 20, n), match)
    placed = np.maximum(match, e1) + rng.integers(7, 35, n)
    order = placed + np.maximum(70, rng.normal(200, 70, n)).astype(np.int64)
    foster = rng.random(n) < FOSTER_CARER_ADOPTION
    at_order = foster & (rng.random(n) < PLACED_AT_ORDER)
    placed = np.where(at_order, e1, placed)
    match = np.where(at_order, np.minimum(match, e1), match)
    # an order on 31 March would leave the child in both OC2 and AD1 (DfE rules 187/191)
    next_day = EPOCH + order + 1
    month = next_day.astype("datetime64[M]")
    order -= ((month.astype(np.int64) % 12 == 3) & (next_day == month.astype("datetime64[D]")))
    for col, values in (("adm", adm), ("e1", e1), ("match", match), ("placed", placed)):
        full = np.full(len(p), -1, dtype=np.int64)
        full[ad] = values
        p[col] = full
    p["foster_adopt"] = False
    p.loc[ad, "foster_adopt"] = foster
    p.loc[ad, "end"] = order
    p.loc[ad, "rec"] = rng.choice(["E11", "E12"], n, p=[0.1, 0.9])
    return p


def ad1_rows(rng: np.random.Generator, adopted: pd.DataFrame) -> pd.DataFrame:
    """AD1 details for adopted periods: dates of decision and match, and the adopters."""
    n = len(adopted)
    single = rng.random(n) < 0.12
    couple_sex = rng.choice(["MF", "MM", "FF"], n, p=[0.86, 0.07, 0.07])
    single_sex = rng.choice(["F1", "M1"], n, p=[0.85, 0.15])
    married = rng.random(n) < 0.75
    couple_ls = np.where(couple_sex == "MF", np.where(married, "L11", "L3"),
                         np.where(married, "L12", "L4"))
    return pd.DataFrame({
        "child": adopted["child"].to_numpy(),
        "DATE_INT": adopted["adm"].to_numpy(),
        "DATE_MATCH": adopted["match"].to_numpy(),
        "FOSTER_CARE": adopted["foster_adopt"].astype(int).astype(str).to_numpy(),
        "NB_ADOPTR": np.where(single, "1", "2"),
        "SEX_ADOPTR": np.where(single, single_sex, couple_sex),
        "LS_ADOPTR": np.where(single, "L0", couple_ls),
        "adopted_on": adopted["end"].to_numpy(),
    })
