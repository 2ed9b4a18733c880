"""CL-* on hand-built OC3 cases; expected values worked out by hand from the DfE definitions.

DfE "Children looked after in England including adoptions", care leavers: the OC3 cohort
is the young people whose 17th to 21st birthday fell in the year, leaving out those who
died, returned home for 6+ months (RHOM), were looked after only under short breaks, or
whose care transferred to another LA. EET and suitable accommodation are percentages of
ALL the cohort, published for ages 17-18 and 19-21. SSDA903 guidance (OC3) and validator
rules 131-133: ACTIV F* / P* are EET, G4-G6 not; ACCOM is a letter then 1 (suitable) or 2.
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute
from cpanalytics.measures.indicators.registry import REGISTRY
from cpanalytics.publish.targets import load

# J: looked after only under short breaks (V3); K: care taken over by another LA (REC E3).
EPISODES = """
CHILD DECOM      RNE LS PLACE DEC        REC
Z     01/01/2018 S   C2 U4    -          -
J     01/01/2017 S   V3 U4    05/01/2017 E8
K     01/01/2016 S   C2 U4    01/06/2017 E3
"""
# Return 2019 (April 2018 - March 2019); age on 31/03/2019 = the birthday in the year.
#   A 17 YES F1 B1 (EET, suitable)       B 19 YES P4 C2 (EET, unsuitable)
#   C 20 YES G5 D1 (NEET, suitable)      D 18 yes F2 E2 (EET, unsuitable; lower case)
#   E 21 NO  0  0  (in the cohort, not in touch: counts as neither EET nor suitable)
#   F 17 REFU 0 0  (refused contact: in the cohort, as E)
#   G DIED, H RHOM, J short breaks only, K transferred: left out of the cohort.
# Return 2018: L in touch, G4 (NEET), B2 (unsuitable).
OC3 = """
CHILD YEAR DOB        IN_TOUCH ACTIV ACCOM
A     2019 01/06/2001 YES      F1    B1
B     2019 01/02/2000 YES      P4    C2
C     2019 15/05/1998 YES      G5    D1
D     2019 01/10/2000 yes      F2    E2
E     2019 01/01/1998 NO       0     0
F     2019 01/04/2001 REFU     0     0
G     2019 01/07/1999 DIED     0     0
H     2019 01/07/1998 RHOM     0     0
J     2019 01/07/2000 YES      F1    B1
K     2019 01/07/2001 YES      F1    B1
L     2018 01/07/1999 YES      G4    B2
"""


def _data():
    return care_data(EPISODES, oc3=OC3)


def _row(indicator_id: str, as_at: str = "2019-03-31"):
    row = compute(indicator_id, _data(), as_at=as_at).iloc[0]
    return row["numerator"], row["denominator"]


def test_cl01_in_touch_of_the_dfe_cohort() -> None:
    # Cohort A-F = 6 (G DIED, H RHOM, J short breaks, K transferred out); in touch A-D = 4.
    assert _row("CL-01") == (4, 6)
    assert compute("CL-01", _data(), as_at="2019-03-31").iloc[0]["value"] == pytest.approx(400 / 6)


def test_cl01_uses_the_return_of_the_financial_year_containing_the_date() -> None:
    # 31/12/2018 is in 2018/19 -> YEAR 2019 (4 / 6); 31/03/2018 -> YEAR 2018: L (1 / 1).
    assert _row("CL-01", "2018-12-31") == (4, 6)
    assert _row("CL-01", "2018-03-31") == (1, 1)


def test_cl02_eet_of_all_the_cohort() -> None:
    # EET (F*/P*): A F1, B P4, D F2 = 3 of all 6 (E and F, not in touch, count as not EET).
    assert _row("CL-02") == (3, 6)


def test_cl03_suitable_accommodation_of_all_the_cohort() -> None:
    # Suitable (letter + 1): A B1, C D1 = 2 of 6; B C2 and D E2 unsuitable; E, F 0.
    assert _row("CL-03") == (2, 6)
    # 2017/18: L, B2 unsuitable -> 0 / 1.
    assert _row("CL-03", "2018-03-31") == (0, 1)


def test_dfe_age_groups_17_to_18_and_19_to_21() -> None:
    # 17-18: A (17), D (18), F (17); 19-21: B (19), C (20), E (21).
    assert _row("CL-02A") == (2, 3)  # A, D EET
    assert _row("CL-02B") == (1, 3)  # B EET
    assert _row("CL-03A") == (1, 3)  # A suitable
    assert _row("CL-03B") == (1, 3)  # C suitable


def test_local_variants_are_of_those_in_touch() -> None:
    # In touch A, B, C, D: EET A, B, D = 3 / 4; suitable A, C = 2 / 4.
    assert _row("CL-02L") == (3, 4)
    assert _row("CL-03L") == (2, 4)
    assert all(REGISTRY[i].definition.startswith("Local measure, not comparable with England")
               for i in ("CL-02L", "CL-03L"))


def test_local_variants_carry_the_seed_targets_and_no_england_comparator() -> None:
    # The seed scorecard's 65% / 90% targets were "of those in touch" (indicators.md).
    config = load(None, 2019)
    assert (config.targets["CL-02L"].target, config.targets["CL-03L"].target) == (65, 90)
    assert "CL-02" not in config.targets and "CL-03" not in config.targets
    assert config.comparator("CL-02L") is None and config.comparator("CL-03L") is None
