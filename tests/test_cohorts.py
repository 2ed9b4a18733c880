"""Cohort API on a hand-built case: the tidy frames hold the rows and derived columns."""

from __future__ import annotations

import pandas as pd
from cases import care_data

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
    cic = _data().children_in_care("2019-03-31").set_index("CHILD")
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
    cic = _data().children_in_care("2020-05-10").set_index("CHILD")
    assert bool(cic.loc["U", "uasc"]) is False


def test_starters_and_leavers_in_a_year() -> None:
    data = _data()
    starts = data.starters("2018-04-01", "2019-03-31")
    assert starts["CHILD"].tolist() == ["U"]
    leaves = data.leavers("2018-04-01", "2019-03-31").set_index("CHILD")
    assert leaves.loc["H", "reason"] == "Returned home to live with parents"
    assert leaves.loc["H", "days_in_care"] == 121  # 01/03/2018 -> 30/06/2018


def test_placements_count_same_carer_runs() -> None:
    pl = _data().placements()
    assert pl.groupby("CHILD").size().to_dict() == {"A": 2, "H": 1, "U": 1}
    first_a = pl[pl["CHILD"] == "A"].sort_values("start").iloc[0]
    assert first_a["days"] == pd.Timestamp("2018-09-01").toordinal() - pd.Timestamp("2018-01-01").toordinal()
