"""Distance from home and placement location (DfE formula on ONS postcode centroids)."""

from __future__ import annotations

import pandas as pd
import pytest
from cases import care_data

from cpanalytics.measures import distance


def test_miles_is_the_dfe_formula_rounded_to_one_decimal() -> None:
    home = pd.DataFrame({"east": [0.0, 615886.0], "north": [0.0, 158470.0]})
    placed = pd.DataFrame({"east": [3000.0, 600888.0], "north": [4000.0, 142760.0]})
    # (0,0)-(3000,4000): 5,000 m = 5 km / 1.6093 = 3.107 -> 3.1 miles.
    # CT1 1AA - TN23 1AA: sqrt(14998^2 + 15710^2) = 21,719.8 m -> 13.496 -> 13.5 miles.
    assert distance.miles(home, placed).tolist() == [3.1, 13.5]


def test_centroids_normalise_postcodes_and_fall_back_to_the_sector() -> None:
    got = distance.centroids(pd.Series(["ct1 1aa", "CT11AA", "TN23 1", "ZZ9 9ZZ", None]))
    # Full postcode: ONS centroid of CT1 1AA, Canterbury (E07000106) in Kent (E10000016).
    assert got.loc[0, ["east", "north"]].tolist() == [615886.0, 158470.0]
    assert (got.loc[0, "laua"], got.loc[0, "la"]) == ("E07000106", "E10000016")
    assert got.loc[1, "east"] == 615886.0
    # A sector (as older returns hold) is located at the mean of its postcodes, in Ashford.
    assert got.loc[2, "la"] == "E10000016"
    assert got.loc[2, "laua"] == "E07000105"
    assert got.loc[2, "east"] == pytest.approx(600795.6, abs=0.1)
    # Unknown and blank postcodes are not located.
    assert got.loc[[3, 4], "east"].isna().all()


def test_upper_tier_maps_districts_to_counties_and_keeps_unitaries() -> None:
    codes = pd.Series(["E07000106", "E06000035", "W06000015"])
    # Canterbury -> Kent; Medway and Cardiff are their own upper tier.
    assert distance.upper_tier(codes).tolist() == ["E10000016", "E06000035", "W06000015"]


EPISODES = """
CHILD DECOM      RNE LS PLACE PLACE_PROVIDER HOME_POST PL_POST DEC REC
A     01/01/2018 S   C2 U4    PR1            CT11AA    ME44AA  -   -
B     01/01/2018 S   C2 U4    PR2            CT11AA    -       -   -
C     01/01/2018 S   C2 U4    PR1            ME44AA    -       -   -
"""


def test_local_authority_is_inferred_from_home_postcodes_unless_set() -> None:
    data = care_data(EPISODES)
    # Homes: two in Kent (CT1 1AA), one in Medway -> Kent.
    assert distance.local_authority(data) == "E10000016"
    data.la_code = "E06000035"
    assert distance.local_authority(data) == "E06000035"


def test_placement_location_outside_la_and_provider_fallback() -> None:
    data = care_data(EPISODES)
    units = data.episodes
    got = distance.placement_location(data, units)
    # A: Medway placement, outside Kent, 25.5 miles from CT1 1AA.
    assert got.loc[0, "distance"] == 25.5
    assert got.loc[0, "placed_la"] == "E06000035"
    assert bool(got.loc[0, "outside_la"])
    # B: no placement postcode, provided by another LA -> outside; C: unknown.
    assert bool(got.loc[1, "outside_la"])
    assert pd.isna(got.loc[2, "outside_la"])
    assert got.loc[[1, 2], "distance"].isna().all()


def test_postcode_table_is_cached_per_data_set() -> None:
    data = care_data(EPISODES)
    first = distance.postcode_table(data)
    assert distance.postcode_table(data) is first
    assert set(first.index) == {"CT11AA", "ME44AA"}


def test_without_any_home_postcode_only_other_la_providers_are_located() -> None:
    data = care_data("""
        CHILD DECOM      RNE LS PLACE PLACE_PROVIDER HOME_POST PL_POST DEC REC
        A     01/01/2018 S   C2 U4    PR1            -         ME44AA  -   -
        B     01/01/2018 S   C2 U4    PR2            -         CT11AA  -   -
    """)
    # No home postcode and no la_code: the LA is unknown, so A's location is unknown and
    # B (provided by another LA) counts as outside.
    got = distance.placement_location(data, data.episodes)
    assert distance.local_authority(data) is None
    assert pd.isna(got.loc[0, "outside_la"])
    assert bool(got.loc[1, "outside_la"])
