"""CL-* on hand-built OC3 cases; expected values worked out by hand from indicators.md."""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.indicators import compute

EPISODES = """
CHILD DECOM      RNE LS PLACE DEC REC
Z     01/01/2018 S   C2 U4    -   -
"""
# Return 2019 (April 2018 - March 2019): 6 care leavers.
#   A in touch, F1 (full-time higher education), B1 (suitable)
#   B in touch, P4 (part-time training or employment), C2 (unsuitable)
#   C in touch, G5 (NEET), D1 (suitable)
#   D in touch, F2 (full-time education other than HE), S (contract-style suffix: suitable)
#   E not in touch (NO); F REFU (refused contact): in the cohort, not in touch
# Return 2018: G in touch, G4, B2 -> a separate year.
OC3 = """
CHILD YEAR IN_TOUCH ACTIV ACCOM
A     2019 YES      F1    B1
B     2019 YES      P4    C2
C     2019 YES      G5    D1
D     2019 yes      F2    XS
E     2019 NO       0     -
F     2019 REFU     0     -
G     2018 YES      G4    B2
"""


def _data():
    return care_data(EPISODES, oc3=OC3)


def test_cl01_in_touch_of_the_whole_cohort() -> None:
    # 2019 cohort A-F = 6; in touch A, B, C, D = 4 -> 66.7%.
    row = compute("CL-01", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (4, 6)
    assert row["value"] == pytest.approx(400 / 6)


def test_cl01_uses_the_return_of_the_financial_year_containing_the_date() -> None:
    # 31/12/2018 is in 2018/19 -> YEAR 2019 (4 / 6); 31/03/2018 -> YEAR 2018: G (1 / 1).
    assert compute("CL-01", _data(), as_at="2018-12-31").iloc[0]["numerator"] == 4
    row = compute("CL-01", _data(), as_at="2018-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 1)


def test_cl02_eet_of_those_in_touch() -> None:
    # In touch A, B, C, D; EET (F*/P*): A F1, B P4, D F2 = 3 -> 75%.
    row = compute("CL-02", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 4)


def test_cl03_suitable_accommodation_of_those_in_touch() -> None:
    # In touch A, B, C, D; suitable A B1, C D1, D ...S = 3 -> 75%; B's C2 is unsuitable.
    row = compute("CL-03", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 4)
    # 2017/18: G in touch, B2 unsuitable -> 0 / 1.
    row = compute("CL-03", _data(), as_at="2018-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (0, 1)
