"""Cohort API on a hand-built case: the tidy frames hold the rows and derived columns."""

from __future__ import annotations

import pandas as pd
from cases import care_data

from cpanalytics.measures import cohorts
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
