"""Cohort API on a hand-built case: the tidy frames hold the rows and derived columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from cases import care_data

from cpanalytics.data.loading import load_data
from cpanalytics.measures import cohorts, distance
from cpanalytics.measures.indicators import compute

# A: citizen girl born 2012, care since 2018, foster then residential.
# U: UASC boy born 2002 (turns 18 on 10/05/2020 = DUC); arrived 01/02/2019.
# H: went home to parents on 30/06/2018 (E13).
EPISODES = """
CHILD DECOM      RNE LS PLACE PLACE_PROVIDER URN PL_POST DEC        REC
A     01/01/2018 S   C2 U4    PR1            X1  AA1     01/09/2018 X1
A     01/09/2018 P   C2 R1    PR4            X2  AA2     -          -
U     01/02/2019 S   V2 U4    PR4            X3  UU1     -          -
H     01/03/2018 S   V2 U1    PR1            X4  HH1     30/06/2018 E13
"""
HEADER = """
CHILD SEX DOB        ETHNIC
A     2   15/06/2012 WBRI
U     1   10/05/2002 AOTH
H     1   01/01/2015 MWBC
"""
UASC = """
CHILD SEX DOB        DUC
U     1   10/05/2002 10/05/2020
"""


def _data():
    return care_data(EPISODES, header=HEADER, uasc=UASC)


def test_children_in_care_on_a_date_has_tidy_derived_columns() -> None:
    cic = cohorts.children_in_care(_data(), "2019-03-31").set_index("CHILD")
    assert sorted(cic.index) == ["A", "U"]
    # A: 6 years old on 31/03/2019 (birthday 15 June), residential since 01/09/2018.
    assert cic.loc["A", "age"] == 6
    assert cic.loc["A", "age_band"] == "5 to 9"
    assert cic.loc["A", "placement_type"] == "Residential"
    assert cic.loc["A", "days_in_placement"] == 211  # 01/09/2018 -> 31/03/2019
    assert cic.loc["A", "days_in_care"] == 454  # 01/01/2018 -> 31/03/2019
    assert cic.loc["A", "sex"] == "Female"
    # U: 16, UASC until DUC 10/05/2020, section 20.
    assert bool(cic.loc["U", "uasc"]) is True
    assert cic.loc["U", "legal_status"] == "Section 20"
    assert cic.loc["U", "age_band"] == "16 to 17"


def test_uasc_flag_ends_at_duc() -> None:
    cic = cohorts.children_in_care(_data(), "2020-05-10").set_index("CHILD")
    assert bool(cic.loc["U", "uasc"]) is False


def test_starters_and_leavers_in_a_year() -> None:
    data = _data()
    starts = cohorts.starters(data, "2018-04-01", "2019-03-31")
    assert starts["CHILD"].tolist() == ["U"]
    leaves = cohorts.leavers(data, "2018-04-01", "2019-03-31").set_index("CHILD")
    # E13 is "left care to live with parents, relatives or other person with no parental
    # responsibility" (SSDA903 guidance), a DfE group of its own, not "returned home" (E4A/B).
    assert leaves.loc["H", "reason"] == "Left to live with parents or relatives"
    assert leaves.loc["H", "days_in_care"] == 121  # 01/03/2018 -> 30/06/2018


def test_placements_count_same_carer_runs() -> None:
    pl = cohorts.placements(_data())
    assert pl.groupby("CHILD").size().to_dict() == {"A": 2, "H": 1, "U": 1}
    first_a = pl[pl["CHILD"] == "A"].sort_values("start").iloc[0]
    assert first_a["days"] == pd.Timestamp("2018-09-01").toordinal() - pd.Timestamp("2018-01-01").toordinal()


# One period each, ceasing in 2018/19 with the REC in its name. SSDA903 guidance, REC codes,
# grouped as in the DfE "Children looked after" statistics (groups.reason_ceased, as CIC-03).
REASONS = """
CHILD DECOM      RNE LS PLACE DEC        REC
E4A   01/01/2018 S   C2 U4    01/05/2018 E4A
E17   01/01/2018 S   C2 U4    01/05/2018 E17
E16   01/01/2018 S   C2 U4    01/05/2018 E16
E9    01/01/2018 S   C2 U4    01/05/2018 E9
E43   01/01/2018 S   C2 U4    01/05/2018 E43
E44   01/01/2018 S   C2 U4    01/05/2018 E44
E46   01/01/2018 S   C2 U4    01/05/2018 E46
E41   01/01/2018 S   C2 U4    01/05/2018 E41
E3    01/01/2018 S   C2 U4    01/05/2018 E3
E5    01/01/2018 S   C2 U4    01/05/2018 E5
"""


def test_leavers_use_the_one_dfe_reason_ceased_mapping() -> None:
    leaves = cohorts.leavers(care_data(REASONS), "2018-04-01", "2019-03-31").set_index("CHILD")
    assert leaves["reason"].astype("str").to_dict() == {
        "E4A": "Returned home to parents",
        "E17": "Remained with carers at 18 (staying put)",  # not "returned home"
        "E16": "Moved abroad",  # not "sentenced to custody"
        "E9": "Sentenced to custody",
        "E43": "Special guardianship order",  # older SGO codes, not child arrangements
        "E44": "Special guardianship order",
        "E46": "Special guardianship order",
        "E41": "Child arrangements (residence) order",  # not an SGO
        "E3": "Care taken over by another local authority",  # not independent living
        "E5": "Moved into independent living",
    }


# DfE "Children looked after in England", ceased tables: "only the last occasion on which a
# child ceased to be looked after in the year has been counted"; SSDA903 guidance: REC X1
# (episode ceased, child remains looked after) ends no period of care. The cohort follows
# CIC-03's rule, so a recipe on it agrees with the report.
# A: returned home (E4A) 01/06/2018, back 01/09/2018 (RNE S), left to relatives (E13)
#    01/02/2019 -> one leaver, on the last occasion: E13, in care 01/09/2018 -> 01/02/2019.
# B: last episode ends X1 on 01/11/2018 with no next episode: still looked after, no leaver.
# C: SGO (E44, the 2018/19 code) 01/08/2018.
TWICE = """
CHILD DECOM      RNE LS PLACE DEC        REC
A     01/01/2018 S   C2 U4    01/06/2018 E4A
A     01/09/2018 S   C2 U4    01/02/2019 E13
B     01/01/2018 S   C2 U4    01/11/2018 X1
C     01/01/2017 S   C2 U4    01/08/2018 E44
"""


def test_leavers_count_each_child_once_on_the_last_occasion_as_cic03() -> None:
    data = care_data(TWICE)
    leaves = cohorts.leavers(data, "2018-04-01", "2019-03-31").set_index("CHILD")
    assert sorted(leaves.index) == ["A", "C"]
    assert leaves.loc["A", "reason"] == "Left to live with parents or relatives"
    assert leaves.loc["A", "days_in_care"] == 153  # 01/09/2018 -> 01/02/2019: 30+31+30+31+31
    assert leaves.loc["C", "reason"] == "Special guardianship order"
    # Year to 31/12/2018: A's last occasion so far is the return home (E4A).
    so_far = cohorts.leavers(data, "2018-04-01", "2018-12-31").set_index("CHILD")
    assert so_far.loc["A", "reason"] == "Returned home to parents"
    # The same children as CIC-03 counts.
    cic03 = compute("CIC-03", data, as_at="2019-03-31")
    assert cic03["count"].sum() == len(leaves) == 2



# The new fields on a hand-built case (home CT1 1AA in Kent for both children).
# A: three carers since 1 June 2018 (S, P, P), now with carer X3 in Medway (ME4 4AA) since
#    1 December 2018: 25.5 miles from CT1 1AA (tests/test_distance.py), outside Kent.
# C: left care on 1 February 2019 from a placement in Medway (as A's).
# B: with carer X5 since 1 January 2019, in a temporary placement (T1) since 1 March 2019,
#    which neither ends nor breaks the placement (PS-01/PS-02); no placement postcode.
LOCATED = """
CHILD DECOM      RNE LS PLACE PLACE_PROVIDER URN HOME_POST PL_POST DEC        REC
A     01/06/2018 S   C2 U4    PR1            X1  CT11AA    CT11AA  01/09/2018 X1
A     01/09/2018 P   C2 U4    PR1            X2  CT11AA    CT11AA  01/12/2018 X1
A     01/12/2018 P   C2 U4    PR2            X3  CT11AA    ME44AA  -          -
B     01/01/2019 S   V2 U4    PR1            X5  CT11AA    CT11AA  01/03/2019 X1
B     01/03/2019 P   V2 T1    PR1            X6  CT11AA    -       -          -
C     01/06/2018 S   C2 U4    PR4            X7  CT11AA    ME44AA  01/02/2019 E13
"""
# B's first review falls due 20 working days after 1 January 2019 (a bank holiday):
# 2-4, 7-11, 14-18, 21-25, 28, 29 January -> 29/01/2019; held 25/01/2019, so in time, and
# the second falls due 3 months after it, 25/04/2019. A's first fell due 29/06/2018 (1 June
# 2018 + 20 working days: 4-8, 11-15, 18-22, 25-29 June) and none was held.
LOCATED_REVIEWS = """
CHILD REVIEW     REVIEW_CODE
B     25/01/2019 PN1
"""
# IHAs: A's (due 29/06/2018) completed 20/06/2018, in time; B's (due 29/01/2019) 05/02/2019, late.
LOCATED_IHA = """
CHILD TYPE DATE_REQUESTED DATE_COMPLETED
A     IHA  04/06/2018     20/06/2018
B     IHA  03/01/2019     05/02/2019
"""


def test_children_in_care_carries_location_stability_reviews_and_iha() -> None:
    data = care_data(LOCATED, reviews=LOCATED_REVIEWS, health_assessments=LOCATED_IHA)
    cic = cohorts.children_in_care(data, "31/03/2019").set_index("CHILD")
    a, b = cic.loc["A"], cic.loc["B"]
    assert (a["distance_miles"], a["distance_band"], bool(a["outside_la"])) == (
        25.5, "Over 20 to 50 miles", True)
    assert pd.isna(b["distance_miles"]) and b["distance_band"] == "Not known"
    assert pd.isna(b["outside_la"])  # no placement postcode, provided by the LA itself
    assert (a["placements_12m"], b["placements_12m"]) == (3, 1)
    assert a["days_in_placement"] == 120  # 01/12/2018 -> 31/03/2019: 31 + 31 + 28 + 30
    assert b["placement_start"] == pd.Timestamp("2019-01-01")  # held through the T1 episode
    assert b["days_in_placement"] == 89  # 01/01/2019 -> 31/03/2019
    assert b["legal_status"] == "Section 20"
    assert (b["last_review"], b["next_review_due"]) == (pd.Timestamp("2019-01-25"),
                                                        pd.Timestamp("2019-04-25"))
    assert bool(b["reviews_due"]) and bool(b["reviews_in_time"])
    assert pd.isna(a["last_review"]) and a["next_review_due"] == pd.Timestamp("2018-06-29")
    assert bool(a["reviews_due"]) and not bool(a["reviews_in_time"])
    assert (a["iha_due"], a["iha_status"], bool(a["iha_in_time"])) == (
        pd.Timestamp("2018-06-29"), "Completed in time", True)
    assert (b["iha_due"], b["iha_status"], bool(b["iha_in_time"])) == (
        pd.Timestamp("2019-01-29"), "Completed late", False)
    # On 20 January 2019 B's IHA is not yet due, its completion (5 February) not yet known,
    # and no review has fallen due.
    early = cohorts.children_in_care(data, "2019-01-20").set_index("CHILD").loc["B"]
    assert early["iha_status"] == "Not yet due"
    assert pd.isna(early["iha_in_time"]) and pd.isna(early["iha_completed"])
    assert not bool(early["reviews_due"]) and pd.isna(early["reviews_in_time"])
    # A year on, A's period no longer began in the last 12 months: no IHA status.
    later = cohorts.children_in_care(data, "2019-07-01").set_index("CHILD").loc["A"]
    assert pd.isna(later["iha_status"]) and pd.isna(later["iha_due"])


def test_leavers_carry_where_their_last_placement_was() -> None:
    left = cohorts.leavers(care_data(LOCATED), "2018-04-01", "2019-03-31").set_index("CHILD")
    assert list(left.index) == ["C"]
    assert (left.loc["C", "distance_miles"], bool(left.loc["C", "outside_la"])) == (25.5, True)
    assert left.loc["C", "placed_la"] == "E06000035"  # Medway


def test_without_the_health_extract_the_iha_fields_are_blank() -> None:
    cic = cohorts.children_in_care(care_data(LOCATED), "2019-03-31")
    assert cic[["iha_due", "iha_in_time", "iha_status"]].isna().all().all()
    new = cohorts.starters(care_data(LOCATED), "2018-04-01", "2019-03-31")
    assert new[["iha_due", "iha_in_time", "request_in_time"]].isna().all().all()


# --- the cohort frames count what the indicators count -----------------------------------

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"


@pytest.fixture(scope="module")
def synthetic():
    return load_data(SYNTHETIC)


def _counts(result: pd.DataFrame) -> tuple[int, int]:
    row = result.iloc[0]
    return int(row["numerator"]), int(row["denominator"])


@pytest.mark.slow
@pytest.mark.parametrize("as_at", ["2019-03-31", "2024-09-30"])
def test_children_in_care_counts_equal_the_indicators(synthetic, as_at: str) -> None:
    """Every measure the frame mirrors, counted from the frame with plain pandas, equals the
    indicator's numerator and denominator on the synthetic data."""
    cic = cohorts.children_in_care(synthetic, as_at)
    assert cic["CHILD"].is_unique
    assert len(cic) == int(compute("CIC-01", synthetic, as_at)["value"].iloc[0])
    citizens = cic[~cic["uasc"]]
    located = citizens[citizens["distance_miles"].notna()]
    # CIC-07: citizen children with both postcodes known, placed 20 miles or less from home.
    assert _counts(compute("CIC-07", synthetic, as_at)) == (
        int((located["distance_miles"] <= 20).sum()), len(located))
    assert _counts(compute("CIC-07", synthetic, as_at)) == (
        int(located["distance_band"].isin(distance.DISTANCE_BANDS[:3]).sum()), len(located))
    # CIC-08: outside the LA, of those whose location is known.
    known = cic["outside_la"].dropna()
    assert _counts(compute("CIC-08", synthetic, as_at)) == (int(known.sum()), len(known))
    # CIC-08D: outside the LA and over 20 miles, of all with a known distance.
    both = cic[cic["distance_miles"].notna()]
    far_out = (both["distance_miles"] > 20) & both["outside_la"].fillna(False)
    assert _counts(compute("CIC-08D", synthetic, as_at)) == (int(far_out.sum()), len(both))
    # PS-01: three or more placements in the 12 months to the date.
    assert _counts(compute("PS-01", synthetic, as_at)) == (
        int((cic["placements_12m"] >= 3).sum()), len(cic))
    # IR-01: of children with a review due, every due review held in time.
    due = cic[cic["reviews_due"]]
    assert _counts(compute("IR-01", synthetic, as_at)) == (
        int(due["reviews_in_time"].sum()), len(due))
    assert due["reviews_in_time"].notna().all() and cic.loc[~cic["reviews_due"], "reviews_in_time"].isna().all()
    # CIC-05: the legal status profile.
    cic05 = compute("CIC-05", synthetic, as_at).groupby("legal_status", observed=True)["count"].sum()
    assert cic["legal_status"].value_counts()[lambda s: s > 0].sort_index().to_dict() == \
        cic05.sort_index().to_dict()


@pytest.mark.slow
@pytest.mark.parametrize("as_at", ["2019-03-31", "2024-09-30"])
def test_starters_iha_fields_count_what_he01_and_he02_count(synthetic, as_at: str) -> None:
    """HE-01 and HE-02 (R12M): periods whose request or IHA fell due in the 12 months to the
    date, in time when requested or completed by the due date; by UASC at entry too."""
    on = pd.Timestamp(as_at)
    since = on - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    new = cohorts.starters(synthetic, on - pd.DateOffset(years=2), on)
    for measure, due, ok in (("HE-01", "request_due", "request_in_time"),
                             ("HE-02", "iha_due", "iha_in_time")):
        window = new[new[due].between(since, on)]
        assert _counts(compute(measure, synthetic, as_at)) == (int(window[ok].sum()), len(window))
        split = compute(measure, synthetic, as_at, by="uasc").set_index("uasc")
        for group, part in window.groupby(window["uasc"].map({True: "UASC", False: "Citizen"})):
            assert (int(split.loc[group, "numerator"]), int(split.loc[group, "denominator"])) == (
                int(part[ok].sum()), len(part))


@pytest.mark.slow
def test_children_in_care_iha_status_for_recent_starters(synthetic) -> None:
    """The IHA fields of children in care are those of the starters cohort for the same
    period, shown only for periods begun in the last 12 months; a completion after the date
    is not yet known on it."""
    on = pd.Timestamp("2019-03-31")
    cic = cohorts.children_in_care(synthetic, on)
    recent = cic[cic["period_start"] > on - pd.DateOffset(years=1)]
    assert cic.loc[~cic.index.isin(recent.index), "iha_status"].isna().all()
    new = cohorts.starters(synthetic, on - pd.DateOffset(years=1) + pd.Timedelta(days=1), on)
    merged = recent.merge(new[["period_id", "iha_due", "iha_completed", "iha_in_time"]],
                          on="period_id", suffixes=("", "_starter"))
    assert len(merged) == len(recent)
    assert (merged["iha_due"] == merged["iha_due_starter"]).all()
    due = merged[merged["iha_due"] <= on]
    assert (due["iha_in_time"] == due["iha_in_time_starter"]).all()
    assert merged.loc[merged["iha_due"] > on, "iha_in_time"].isna().all()
    done_after = merged["iha_completed_starter"] > on
    assert merged.loc[done_after, "iha_completed"].isna().all()
    assert set(merged.loc[done_after & (merged["iha_due"] > on), "iha_status"]) <= {"Not yet due"}
