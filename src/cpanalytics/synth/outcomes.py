"""Annual outcome tables: OC2 (in care 12+ months), OC3 (care leavers), missing episodes,
previous permanence, and the "should be placed for adoption" table.

OC3 cohort (DfE SSDA903 guidance): care leavers with their 17th-21st birthday in the year,
17 and 18 year olds only if they left care before that birthday (rules 1007, 1016); ~87%
in touch, ~65% of those in education, employment or training, ~93% suitably housed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.synth.calendar import add_years, age_on, year_end, year_start
from cpanalytics.synth.lives import SHORT
from cpanalytics.synth.people import draw

_IN_TOUCH = {"YES": 0.87, "NO": 0.05, "REFU": 0.03, "NREQ": 0.02, "RHOM": 0.03}
#: Share of care leavers who die between their 17th and 22nd birthdays: IN_TOUCH DIED in
#: the year they die, and no OC3 row after it (rule 348).
DIED_BY_22 = 0.012
#: DfE activity codes: F*/P* in education, employment or training (~65%), G4-G6 not.
_ACTIV = {"F1": 0.08, "P1": 0.02, "F2": 0.25, "P2": 0.05, "F4": 0.15, "P4": 0.07, "F5": 0.02,
          "P5": 0.01, "G4": 0.07, "G5": 0.23, "G6": 0.05}
#: DfE accommodation letters (B parents or relatives, C residential, D semi-independent,
#: E supported lodgings, K lodgings, R not known, S no fixed abode, T foyer, U independent,
#: V emergency, W bed and breakfast, X custody, Y other, Z former foster carers), then 1
#: suitable or 2 unsuitable. Under 18s are not in a foyer (rule 347) nor, at 17, with
#: former foster carers (rule 3001).
_ACCOM_19_21 = {"U": 0.30, "T": 0.08, "E": 0.11, "K": 0.09, "Y": 0.07, "R": 0.02, "D": 0.10,
                "B": 0.11, "Z": 0.06, "C": 0.01, "V": 0.01, "W": 0.01, "S": 0.01, "X": 0.02}
_ACCOM_17_18 = {"B": 0.30, "D": 0.22, "E": 0.13, "U": 0.08, "K": 0.06, "Y": 0.08, "R": 0.02,
                "C": 0.03, "V": 0.02, "S": 0.01, "X": 0.05}
_ONLY_UNSUITABLE = ("S", "X")


def oc2(rng: np.random.Generator, periods: pd.DataFrame, ys: int, ye: int) -> pd.DataFrame:
    """Children looked after continuously for 12 months at 31 March (not short breaks)."""
    p = periods[(periods["path"] != SHORT) & (periods["start"] <= ys) & (periods["end"] >= ye)
                & ~((periods["end"] == ye) & periods["rec"].isin(["E11", "E12"]))]
    n = len(p)
    age = age_on(p["dob"].to_numpy(), ye)
    dob = p["dob"].to_numpy()
    sdq_age = (add_years(dob, 4) <= ye) & (add_years(dob, 17) >= ys)
    has_sdq = sdq_age & (rng.random(n) < 0.8)
    score = np.clip(np.round(rng.normal(14.0, 6.5, n)), 0, 40).astype(int).astype(str)

    def flag(share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, "1", "0")

    misuse = np.where(age >= 10, flag(0.04), "0")
    received = np.where(misuse == "1", flag(0.6), "")
    return pd.DataFrame({
        "child": p["child"].to_numpy(),
        "SDQ_SCORE": np.where(has_sdq, score, ""),
        "SDQ_REASON": np.where(sdq_age & ~has_sdq, draw(rng, {"SDQ2": 0.3, "SDQ3": 0.3,
                               "SDQ4": 0.3, "SDQ5": 0.1}, n), ""),
        "CONVICTED": np.where(age >= 10, flag(0.03), ""),
        "HEALTH_CHECK": np.where(age < 5, flag(0.92), ""), "IMMUNISATIONS": flag(0.86), "TEETH_CHECK": flag(0.9),
        "HEALTH_ASSESSMENT": flag(0.93), "SUBSTANCE_MISUSE": misuse,
        "INTERVENTION_RECEIVED": received,
        "INTERVENTION_OFFERED": np.where(received == "0", flag(0.8), ""),
    })


def care_leavers(rng: np.random.Generator, periods: pd.DataFrame) -> pd.DataFrame:
    """Children eligible for leaving-care support: 13+ weeks in care after 14, some after 16.

    ``died`` is the day a care leaver dies before 22, or -1.
    """
    p = periods[periods["path"] != SHORT]
    dob = p["dob"].to_numpy()
    after14 = np.maximum(0, p["end"].to_numpy() - np.maximum(p["start"].to_numpy(),
                                                             add_years(dob, 14)))
    after16 = p["end"].to_numpy() > add_years(dob, 16)
    t = pd.DataFrame({"child": p["child"].to_numpy(), "after14": after14, "after16": after16,
                      "end": p["end"].to_numpy(), "rec": p["rec"].to_numpy(), "dob": dob})
    agg = t.groupby("child").agg(after14=("after14", "sum"), after16=("after16", "max"),
                                 end=("end", "max"), dob=("dob", "first"))
    last_rec = t.sort_values("end").groupby("child")["rec"].last()
    agg["rec"] = last_rec
    out = agg[(agg["after14"] >= 91) & agg["after16"] & ~agg["rec"].isin(["E2", "E3"])
              ].reset_index()
    n = len(out)
    on = add_years(out["dob"].to_numpy(), 17) + (rng.random(n) * 5 * 365.25).astype(np.int64)
    dies = (rng.random(n) < DIED_BY_22) & (on > out["end"].to_numpy())
    return out.assign(died=np.where(dies, on, -1))


#: The first collection year whose OC3 holds 17 and 18 year olds (DfE: collected for the
#: first time for the year ending 31 March 2016); before it, 19-21 year olds only.
OC3_17_18_FROM = 2016


def oc3(rng: np.random.Generator, leavers: pd.DataFrame, year: int) -> pd.DataFrame:
    """The DfE OC3 cohort of collection ``year``: care leavers with their 17th-21st (from
    2015/16; before, 19th-21st) birthday in it.

    17 and 18 year olds count when they left care before that birthday (rules 1007, 1016),
    19-21 year olds left care before the year. A care leaver who died is DIED that year.
    """
    ys, ye = year_start(year), year_end(year)
    dob, end = leavers["dob"].to_numpy(), leavers["end"].to_numpy()
    died = leavers["died"].to_numpy()
    young = np.zeros(len(leavers), dtype=bool)
    older = np.zeros(len(leavers), dtype=bool)
    for age in range(17, 22):
        b = add_years(dob, age)
        birthday = (b >= ys) & (b <= ye)
        if age <= 18:
            young |= birthday & (end < b)
        else:
            older |= birthday & (end <= ys)
    young &= year >= OC3_17_18_FROM
    keep = (young | older) & ((died < 0) | (died >= ys))
    c, young = leavers[keep], young[keep]
    n = len(c)
    touch = draw(rng, _IN_TOUCH, n)
    touch[(c["died"].to_numpy() >= ys) & (c["died"].to_numpy() <= ye)] = "DIED"
    yes = touch == "YES"
    letter = np.where(young, draw(rng, _ACCOM_17_18, n), draw(rng, _ACCOM_19_21, n))
    suitable = (rng.random(n) < 0.95) & ~np.isin(letter, _ONLY_UNSUITABLE)
    accom = np.char.add(letter.astype(str), np.where(suitable, "1", "2"))
    return pd.DataFrame({
        "child": c["child"].to_numpy(), "IN_TOUCH": touch,
        "ACTIV": np.where(yes, draw(rng, _ACTIV, n), "0"),
        "ACCOM": np.where(yes, accom, "0"),
    })


def missing_episodes(rng: np.random.Generator, periods: pd.DataFrame, horizon: int
                     ) -> pd.DataFrame:
    """Missing (M) or away from placement without authorisation (A) episodes for teenagers."""
    p = periods[periods["path"] != SHORT]
    from_ = np.maximum(p["start"].to_numpy(), add_years(p["dob"].to_numpy(), 11))
    to = np.minimum(p["end"].to_numpy(), horizon + 1)
    span = np.maximum(0, to - from_)
    prone = rng.random(len(p)) < 0.15
    count = rng.poisson(np.where(prone, 5.0, 0.15) * span / 365.0)
    idx = np.repeat(np.arange(len(p)), count)
    start = from_[idx] + (rng.random(len(idx)) * span[idx]).astype(np.int64)
    end = np.maximum(np.minimum(start + rng.integers(0, 3, len(idx)), to[idx] - 1), start)
    return pd.DataFrame({
        "child": p["child"].to_numpy()[idx],
        "MISSING": np.where(rng.random(len(idx)) < 0.7, "M", "A"),
        "MIS_START": start, "MIS_END": end,
    }).sort_values(["child", "MIS_START"], kind="stable").reset_index(drop=True)


def previous_permanence(rng: np.random.Generator, starts: pd.DataFrame) -> pd.DataFrame:
    """PREV_PERM for each period started: mostly none (Z1), a few after adoption/SGO/CAO."""
    n = len(starts)
    prev = draw(rng, {"Z1": 0.9, "P1": 0.02, "P2": 0.04, "P3": 0.03, "P4": 0.01}, n)
    first = starts.groupby("child")["start"].transform("min").to_numpy()
    perm = first - rng.integers(200, 3000, n)
    prev = np.where(perm <= starts["dob"].to_numpy() + 30, "Z1", prev)
    return pd.DataFrame({
        "child": starts["child"].to_numpy(), "PREV_PERM": prev,
        "LA_PERM": np.where(prev == "Z1", "", "886"), "DATE_PERM": np.where(prev == "Z1", -1, perm),
    })


def within_episodes(missing: pd.DataFrame, eps: pd.DataFrame, first: int, last: int
                    ) -> pd.DataFrame:
    """Keep missing periods that end within one episode and one collection year, one at a time."""
    key = eps["child"].to_numpy() * 100_000 + eps["DECOM"].to_numpy()
    order = np.argsort(key, kind="stable")
    mkey = missing["child"].to_numpy() * 100_000 + missing["MIS_START"].to_numpy()
    i = order[np.clip(np.searchsorted(key[order], mkey, side="right") - 1, 0, None)]
    same = eps["child"].to_numpy()[i] == missing["child"].to_numpy()
    inside = same & (missing["MIS_END"].to_numpy() < eps["DEC"].to_numpy()[i])
    ends = np.array([year_end(y) for y in range(first - 30, last + 1)])
    y_of_start = np.searchsorted(ends, missing["MIS_START"].to_numpy())
    y_of_end = np.searchsorted(ends, missing["MIS_END"].to_numpy())
    prev_end = missing.groupby("child")["MIS_END"].shift(1).fillna(-1).to_numpy()
    keep = inside & (y_of_start == y_of_end) & (missing["MIS_START"].to_numpy() > prev_end)
    return missing[keep].reset_index(drop=True)
