"""Child attributes: sex, ethnicity, UPN, home district and postcode, disability.

Citizen children follow the seed profile (about 42% girls; UASC are mostly boys, which
brings all children in care to about 38% F / 62% M).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.synth.postcodes import DISTRICT_WEIGHTS, KENT_DISTRICTS, Geography

CITIZEN_ETHNIC = {
    "WBRI": 0.80, "WIRI": 0.005, "WIRT": 0.01, "WOTH": 0.03, "WROM": 0.01, "MWBC": 0.03,
    "MWBA": 0.01, "MWAS": 0.01, "MOTH": 0.02, "AIND": 0.005, "APKN": 0.005, "ABAN": 0.005,
    "AOTH": 0.005, "BCRB": 0.01, "BAFR": 0.015, "BOTH": 0.005, "CHNE": 0.002, "OOTH": 0.008,
    "REFU": 0.005, "NOBT": 0.005,
}

DISABILITIES = ("NONE", "LEARNING", "PHYSICAL", "SENSORY", "COMMUNICATION", "BEHAVIOUR")

_UPN_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))


def draw(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    """N codes drawn from a {code: weight} table."""
    codes = np.array(list(table))
    weights = np.array(list(table.values()), dtype=float)
    return codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]


def upn(rng: np.random.Generator, la_number: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """Unique pupil numbers: check letter, 3-digit LA, 4-digit school, 2-digit year, 3 digits.

    The check letter is the DfE modulus-23 letter over characters 2-13 (weights 2-13).
    """
    n = len(la_number)
    school = rng.integers(2000, 7000, size=n)
    serial = rng.integers(0, 1000, size=n)
    yy = (np.asarray(birth_year) + 5) % 100
    number = ((np.asarray(la_number) % 1000) * 10**9 + school * 10**5 + yy * 1000 + serial)
    digits = number[:, None] // 10 ** np.arange(11, -1, -1) % 10
    check = _UPN_LETTERS[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    return np.char.add(check.astype(str), np.char.zfill(number.astype(str), 12)).astype(object)


def home_addresses(
    rng: np.random.Generator, geo: Geography, n: int, district: np.ndarray | None = None
) -> pd.DataFrame:
    """District number, DISTRICT name and a home postcode in that district for N children."""
    if district is None:
        district = rng.choice(len(geo.home), size=n, p=DISTRICT_WEIGHTS / DISTRICT_WEIGHTS.sum())
    names = np.array(list(KENT_DISTRICTS.values()))
    pcd = np.empty(n, dtype=object)
    east = np.empty(n)
    north = np.empty(n)
    for d, pool in enumerate(geo.home):
        sel = np.flatnonzero(district == d)
        take = pool.iloc[rng.integers(0, len(pool), size=len(sel))]
        pcd[sel] = take["pcd"].to_numpy()
        east[sel] = take["east"].to_numpy()
        north[sel] = take["north"].to_numpy()
    return pd.DataFrame({
        "district": district, "DISTRICT": names[district], "HOME_POST": pcd,
        "home_e": east, "home_n": north,
    })


def disability(rng: np.random.Generator, n: int) -> np.ndarray:
    """DISABILITY for the child_attributes extract (about 1 in 8 with a recorded disability)."""
    return draw(rng, dict(zip(DISABILITIES, (0.87, 0.04, 0.02, 0.01, 0.03, 0.03), strict=True)), n)
