"""AD-* on hand-built cases; expected values worked out by hand from indicators.md.

Episodes follow the DfE RNE rules 217, 435 and 436: a move to A3/A5 (placed with the current
foster carer) has RNE S, T or U; P and T keep the legal status, U and B change it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute

# A: enters care 01/01/2017; placement order (LS E1) 01/06/2017; ADM decision 01/04/2017;
#    matched 15/04/2018; placed for adoption (A6, new carer) 01/05/2018; adopted 15/01/2019.
#    A1 = 01/01/2017 -> 01/05/2018 = 365 + 31 + 28 + 31 + 30 = 485 days.
#    A2 = 01/06/2017 -> 15/04/2018 = 245 (to 01/02) + 28 + 31 + 14 = 318 days.
#    A10 = A1 = 485 (not adopted by the foster carers).
# B: foster-carer adoption. Enters care 01/02/2017 with carer Y1; moves to carer Y2
#    01/09/2017; placement order 01/12/2017 (L: same carer); placed for adoption with Y2
#    (T: same carer, A5) 01/05/2018; adopted 30/11/2018. Matched 20/11/2017, before the order.
#    A1 = 01/02/2017 -> 01/05/2018 = 365 + 28 + 31 + 30 = 454.
#    A10 stops at the start of the Y2 placement, 01/09/2017: 28 + 31 + 30 + 31 + 30 + 31 + 31
#    = 212 days. A2 = 0 (match before the order).
# C: adopted 01/03/2017 (outside 12 months, inside 3 years): placed at entry (A1 = A10 = 0),
#    order at entry 01/01/2015, matched 10/01/2015 (A2 = 9).
# D: child arrangements order (E41: not an SGO) 01/10/2018. E: UASC, left care 01/12/2018.
# F: home to parents (E13) 01/07/2018. I: short breaks only.
# G: placement order 01/06/2018, not matched, still in care. ADM (placed_for_adoption
#    DATE_PLACED) 15/05/2018.
# H: placed for adoption (A6, new legal status E1 and new carer: B) 01/02/2018, not adopted.
# J: placement order 01/03/2018, ADM 01/02/2019, matched 01/03/2019, not yet placed.
EPISODES = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
A     01/01/2017 S   C2 U4    X1  AA1     01/06/2017 X1
A     01/06/2017 L   E1 U4    X1  AA1     01/05/2018 X1
A     01/05/2018 P   E1 A6    X2  AA2     15/01/2019 E12
B     01/02/2017 S   C2 U4    Y1  BB1     01/09/2017 X1
B     01/09/2017 P   C2 U4    Y2  BB2     01/12/2017 X1
B     01/12/2017 L   E1 U4    Y2  BB2     01/05/2018 X1
B     01/05/2018 T   E1 A5    Y2  BB2     30/11/2018 E11
C     01/01/2015 S   E1 A5    Z1  CC1     01/03/2017 E11
D     01/03/2018 S   C2 U4    W1  DD1     01/10/2018 E41
E     01/06/2017 S   V2 U4    V1  EE1     01/12/2018 E13
F     01/05/2018 S   V2 U4    V2  FF1     01/07/2018 E13
G     01/01/2018 S   C2 U4    G1  GG1     01/06/2018 X1
G     01/06/2018 L   E1 U4    G1  GG1     -          -
H     01/01/2017 S   C2 U4    H1  HH1     01/02/2018 X1
H     01/02/2018 B   E1 A6    H2  HH2     -          -
I     01/05/2018 S   V3 U4    I1  II1     05/05/2018 E13
J     01/01/2018 S   C2 U4    J1  JJ1     01/03/2018 X1
J     01/03/2018 L   E1 U4    J1  JJ1     -          -
"""
AD1 = """
CHILD DOB        DATE_INT   DATE_MATCH FOSTER_CARE
A     01/01/2010 01/04/2017 15/04/2018 0
B     01/01/2010 01/10/2017 20/11/2017 1
C     01/01/2010 01/01/2015 10/01/2015 0
J     01/01/2010 01/02/2019 01/03/2019 0
"""
PLACED = """
CHILD DOB        DATE_PLACED
G     01/01/2010 15/05/2018
H     01/01/2010 01/12/2017
"""
UASC = """
CHILD SEX DOB        DUC
E     1   01/01/2002 -
"""


def _data():
    return care_data(EPISODES, ad1=AD1, placed_for_adoption=PLACED, uasc=UASC)


def _mean(measure: str, as_at: str = "2019-03-31") -> tuple[float, float, float]:
    row = compute(measure, _data(), as_at=as_at).iloc[0]
    return row["numerator"], row["denominator"], row["value"]


def test_ad01_a1_entering_care_to_placed_for_adoption() -> None:
    # Adopted 01/04/2018-31/03/2019: A (485), B (454) -> 939 / 2 = 469.5.
    assert _mean("AD-01") == (939, 2, 469.5)


def test_ad02_a2_placement_order_to_match_counts_0_when_matched_first() -> None:
    # A 318, B 0 -> 318 / 2 = 159.
    assert _mean("AD-02") == (318, 2, 159.0)


def test_ad03_a10_stops_the_clock_at_the_foster_placement() -> None:
    # A 485, B 212 -> 697 / 2 = 348.5.
    assert _mean("AD-03") == (697, 2, 348.5)


def test_three_year_variants_include_earlier_adoptions() -> None:
    # Adopted 01/04/2016-31/03/2019: A, B, C.
    # A1: 485 + 454 + 0 = 939 / 3 = 313. A2: 318 + 0 + 9 = 327 / 3 = 109.
    # A10: 485 + 212 + 0 = 697 / 3.
    assert _mean("AD-01-3Y") == (939, 3, 313.0)
    assert _mean("AD-02-3Y") == (327, 3, 109.0)
    num, den, value = _mean("AD-03-3Y")
    assert (num, den) == (697, 3)
    assert value == pytest.approx(697 / 3)


def test_ad04_journey_counts_in_the_financial_year() -> None:
    # FY 2018/19: ADM decisions G 15/05/2018 (placed_for_adoption), J 01/02/2019 (AD1) = 2;
    # placement orders G 01/06/2018 = 1 (A, B, H, J before April 2018); matches A 15/04/2018,
    # J 01/03/2019 = 2; placed A 01/05/2018, B 01/05/2018 = 2; adoption orders A, B = 2.
    got = compute("AD-04", _data(), as_at="2019-03-31").set_index("stage")["count"]
    assert got.to_dict() == {"ADM decision": 2, "Placement order": 1, "Match": 2,
                             "Placed for adoption": 2, "Adoption order": 2}


def test_ad05_stage_timeliness_for_children_adopted_in_the_year() -> None:
    # Adopted in FY 2018/19: A and B.
    # Placed -> order: A 01/05/2018 -> 15/01/2019 = 245 (to 01/01) + 14 = 259;
    #   B 01/05/2018 -> 30/11/2018 = 184 (to 01/11) + 29 = 213. Mean 236.
    assert _mean("AD-05") == (472, 2, 236.0)
    # Entering care -> ADM: A 01/01/2017 -> 01/04/2017 = 90; B 01/02/2017 -> 01/10/2017 = 242.
    assert _mean("AD-05a") == (332, 2, 166.0)
    # ADM -> match: A 01/04/2017 -> 15/04/2018 = 379; B 01/10/2017 -> 20/11/2017 = 50.
    assert _mean("AD-05b") == (429, 2, 214.5)
    # Placement order -> match (A2 in the FY) and entering care -> placed (A1 in the FY).
    assert _mean("AD-05c") == (318, 2, 159.0)
    assert _mean("AD-05d") == (939, 2, 469.5)


def test_ad06_adopted_or_sgo_of_leavers_excluding_uasc() -> None:
    # Left care 01/04/2018-31/03/2019: A (E12), B (E11), D (E41), F (E13); E is UASC
    # and I short breaks only (both excluded); C left in 2017. E41 is a residence or child
    # arrangements order, not an SGO (DfE SSDA903 REC codes; SGOs are E43-E48) -> 2/4 = 50%.
    num, den, value = _mean("AD-06")
    assert (num, den) == (2, 4)
    assert value == pytest.approx(50.0)


def test_ad07_children_waiting_by_status_and_time() -> None:
    # On 31/03/2019: G placement order since 01/06/2018, not matched: 10 months (after
    # 31/03/2018, not after 30/09/2018) -> 6 to 12 months. H placed since 01/02/2018: after
    # 30/09/2017 (18 months back), not after 31/03/2018 -> 12 to 18 months. J matched
    # 01/03/2019, not placed -> under 6 months.
    got = compute("AD-07", _data(), as_at="2019-03-31")
    counts = {(r.status, r.waiting): r.count for r in got.itertuples()}
    assert counts == {
        ("Placement order, not matched", "6 to 12 months"): 1,
        ("Placed, not adopted", "12 to 18 months"): 1,
        ("Matched, not placed", "Under 6 months"): 1,
    }
    # Only G has a placement order and no match.
    assert compute("AD-07a", _data(), as_at="2019-03-31").iloc[0]["value"] == 1
    # On 28/02/2019 J's match (01/03/2019) has not happened: G and J both unmatched.
    assert compute("AD-07a", _data(), as_at="2019-02-28").iloc[0]["value"] == 2


def test_no_adoption_data_gives_empty_measures_not_errors() -> None:
    # One child in care, no ad1/placed_for_adoption rows: no adoptions, nobody waiting.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        Z     01/01/2018 S   C2 U4    -   -
    """)
    row = compute("AD-01", data, as_at="2019-03-31").iloc[0]
    assert row["denominator"] == 0
    assert pd.isna(row["value"])
    assert compute("AD-07a", data, as_at="2019-03-31").iloc[0]["value"] == 0
