"""PS-* on hand-built cases; expected values worked out by hand from indicators.md."""

from __future__ import annotations

import pytest

from cases import care_data
from cpanalytics.indicators import compute

# Child A: three carers in the year ending 31/03/2019 (S, P, P)          -> 3 placements
# Child B: S, then a temporary T1 episode, then back to the same carer    -> 1 placement
# Child C: S, U (same carer, new placement type), B (LS + same carer)     -> 1 placement
# Child D: S on 01/06/2018, P, then T (new carer and legal status)        -> 3 placements
# Child E: enters care on the as-at date 31/03/2019                       -> in care, 1 placement
# Child F: short breaks only (V3)                                          -> excluded
EPISODES = """
CHILD DECOM      RNE LS PLACE URN  PL_POST DEC        REC
A     01/01/2018 S   C2 U4    X1   AA1     01/05/2018 X1
A     01/05/2018 P   C2 U4    X2   AA2     01/09/2018 X1
A     01/09/2018 P   C2 R1    X3   AA3     -          -
B     01/01/2017 S   C2 U4    Y1   BB1     01/07/2018 X1
B     01/07/2018 P   C2 T1    Y9   BB9     15/07/2018 X1
B     15/07/2018 P   C2 U4    Y1   BB1     -          -
C     01/01/2016 S   C2 U4    Z1   CC1     01/08/2018 X1
C     01/08/2018 U   C2 A5    Z1   CC1     01/10/2018 X1
C     01/10/2018 B   E1 A5    Z1   CC1     -          -
D     01/06/2018 S   V2 U1    W1   DD1     01/08/2018 X1
D     01/08/2018 P   V2 U4    W2   DD2     01/11/2018 X1
D     01/11/2018 T   C2 U4    W3   DD3     -          -
E     31/03/2019 S   V2 U4    V1   EE1     -          -
F     01/02/2019 S   V3 U4    F1   FF1     -          -
"""


def test_ps01_counts_placements_by_carer_at_31_march_2019() -> None:
    # In care on 31/03/2019: A, B, C, D, E (F is short breaks only) -> denominator 5.
    # 3+ placements: A (3) and D (3) -> numerator 2; value 2/5 = 40%.
    result = compute("PS-01", care_data(EPISODES), as_at="2019-03-31")
    row = result.iloc[0]
    assert (row["numerator"], row["denominator"]) == (2, 5)
    assert row["value"] == pytest.approx(40.0)


def test_ps01_window_drops_placements_ended_before_it() -> None:
    # As at 31/03/2019 child A's first placement ended 01/05/2018, inside the window.
    # As at 31/08/2019 the window starts 01/09/2018: A's first two placements ended
    # before it (01/05/2018, 01/09/2018 counts: ended on the window's first day), so A
    # has 2 placements; D still has 3 (01/06/2018 placement ended 01/08/2018 < window
    # start -> D has 2). Numerator 0 of 5.
    result = compute("PS-01", care_data(EPISODES), as_at="2019-08-31")
    row = result.iloc[0]
    assert (row["numerator"], row["denominator"]) == (0, 5)


def test_ps01_by_legal_status_splits_the_denominator() -> None:
    # On 31/03/2019: A C2, B C2, C E1 (placement order), D C2, E V2.
    result = compute("PS-01", care_data(EPISODES), as_at="2019-03-31", by="legal_status")
    got = result.set_index("legal_status")[["numerator", "denominator"]].to_dict("index")
    assert got["Full care order"] == {"numerator": 2, "denominator": 3}
    assert got["Placement order"] == {"numerator": 0, "denominator": 1}
    assert got["Section 20"] == {"numerator": 0, "denominator": 1}


def test_cic01_counts_child_entering_care_on_the_date_and_excludes_short_breaks() -> None:
    result = compute("CIC-01", care_data(EPISODES), as_at="2019-03-31")
    assert result.iloc[0]["value"] == 5
