"""Placement stability and adoption, counted as the DfE counts them (issue 12).

Hand-built cases; every expected value is worked out by hand in the comments.

DfE sources cited below:
- SSDA903 guidance, RNE codes, and validator rules 217, 435, 436 (lac_validator, lac2022_23):
  S, P and B bring a new carer; L, T and U keep the carer. T: placement changed, same carer
  (435: LS unchanged); U: legal status and placement changed, same carer (436: LS changed);
  B: legal status, placement and carer changed. 217: a move to A3/A5 (placed for adoption
  with the current foster carer) has RNE S, T or U.
- SSDA903 REC codes: SGOs are E45-E48 (E43/E44 in older returns); E41 is a residence or
  child arrangements order (rule 407 lists the SGO codes E45-E48).
- Adoption scorecard A10: for a child adopted by their foster carers the clock stops on the
  date they moved in with those carers.
- Validator rules 333 (DATE_INT on or before DATE_MATCH) and 334 (entering care on or
  before DATE_INT): dates out of that order are errors, never negative waits.
- placed_for_adoption.DATE_PLACED_CEASED: the date the decision that the child should be
  placed for adoption was reversed (REASON_PLACED_CEASED RD1-RD4; rules 116-120).
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute
from cpanalytics.publish import tables

# --- Placement stability --------------------------------------------------------------

# A: S, T, U, B, P in the year to 31/03/2019. T and U keep carer X1, B brings X2, P brings
#    X3 -> 3 placements (S, B, P): in PS-01's numerator.
# C: S, T, U only -> 1 placement (Y1 throughout).
# E: S, T, T -> 1 placement (E1 throughout; read the old way, T as a new carer, it was 3).
STABILITY = """
CHILD DECOM      RNE LS PLACE URN PL_POST REASON_PLACE_CHANGE DEC        REC
A     01/05/2018 S   V2 U4    X1  AA1     CHILD               01/07/2018 X1
A     01/07/2018 T   V2 U5    X1  AA1     CHILD               01/09/2018 X1
A     01/09/2018 U   C1 U6    X1  AA1     CARPL               01/11/2018 X1
A     01/11/2018 B   C2 U4    X2  AA2     CREQB               01/01/2019 X1
A     01/01/2019 P   C2 R1    X3  AA3     -                   -          -
C     01/05/2018 S   V2 U4    Y1  CC1     -                   01/07/2018 X1
C     01/07/2018 T   V2 U5    Y1  CC1     -                   01/09/2018 X1
C     01/09/2018 U   C1 U6    Y1  CC1     -                   -          -
E     01/05/2018 S   V2 U4    E1  EE1     -                   01/07/2018 X1
E     01/07/2018 T   V2 U5    E1  EE1     -                   01/09/2018 X1
E     01/09/2018 T   V2 U6    E1  EE1     -                   -          -
"""


def test_ps01_t_and_u_keep_the_carer_b_brings_a_new_one() -> None:
    # DfE rules 435/436: A has 3 placements (S, B, P), C and E 1 each -> 1 of 3.
    row = compute("PS-01", care_data(STABILITY), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 3)
    assert row["value"] == pytest.approx(100 / 3)


def test_ps03_counts_placements_not_episodes() -> None:
    # A: 3 placements in 2018/19 (5 episodes); C and E: 1. All born 01/01/2010, aged 9.
    result = compute("PS-03", care_data(STABILITY), as_at="2019-03-31")
    assert {(r.age, r.placements): r.count for r in result.itertuples()} == {(9, "3"): 1}


def test_ps04_moves_are_new_carer_moves_only() -> None:
    # Moves: B on 01/11/2018 (X1 -> X2, reason on X1's last episode, the U episode: CARPL,
    # foster -> foster) and P on 01/01/2019 (X2 -> X3, CREQB, foster -> residential).
    # The T and U episodes (A's, C's, E's) change the placement but keep the carer: no move.
    # 2 moves, 50% each.
    result = compute("PS-04", care_data(STABILITY), as_at="2019-03-31")
    got = {(r.reason, r.from_type, r.to_type): r.count for r in result.itertuples()}
    assert got == {
        ("Change to or implementation of care plan", "Foster care", "Foster care"): 1,
        ("Carer requests end: child's behaviour", "Foster care", "Residential"): 1,
    }
    assert result["value"].tolist() == pytest.approx([50.0, 50.0])


def test_ps02_a_same_carer_placement_change_keeps_the_placement() -> None:
    # F: with foster carer F1 since 01/01/2016; on 01/01/2019 the placement type changes
    # (U4 -> U5) with the same carer: RNE T (DfE rule 435: LS unchanged). On 31/03/2019:
    # under 16, in care 2.5+ years, same carer since 01/01/2016 (2+ years) -> 1/1.
    # (Read as a new placement, as T used to be, F would have 3 months: 0/1.)
    episodes = """
    CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
    F     01/01/2016 S   C2 U4    F1  FF1     01/01/2019 X1
    F     01/01/2019 T   C2 U5    F1  FF1     -          -
    """
    row = compute("PS-02", care_data(episodes), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 1)


# --- A10 (AD-03): foster-carer adoptions by T and by U ----------------------------------

# K: enters care 01/01/2017 (K1); new foster carer K2 (P) 01/03/2017; placement order (L)
#    01/09/2017; placed for adoption with K2 by T (A5, same carer, LS unchanged) 01/01/2018;
#    adopted 01/10/2018; FOSTER_CARE = 1.
#    A1 = 01/01/2017 -> 01/01/2018 = 365. A10 stops at K2's start: 31 + 28 = 59.
# M: enters care 01/02/2017 (M1); new foster carer M2 (P) 15/04/2017; placement order and
#    A5 with M2 at once by U (LS and placement changed, same carer) 01/02/2018; adopted
#    01/12/2018; FOSTER_CARE = 1.
#    A1 = 01/02/2017 -> 01/02/2018 = 365. A10 = 01/02/2017 -> 15/04/2017 = 28 + 31 + 14 = 73.
# N: enters care 01/01/2017; placed for adoption with new carers by B (A6) 01/06/2018;
#    adopted 01/02/2019; FOSTER_CARE = 0. A1 = A10 = 365 + 31 + 28 + 31 + 30 + 31 = 516.
A10_EPISODES = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
K     01/01/2017 S   C2 U4    K1  KK1     01/03/2017 X1
K     01/03/2017 P   C2 U4    K2  KK2     01/09/2017 X1
K     01/09/2017 L   E1 U4    K2  KK2     01/01/2018 X1
K     01/01/2018 T   E1 A5    K2  KK2     01/10/2018 E11
M     01/02/2017 S   C2 U4    M1  MM1     15/04/2017 X1
M     15/04/2017 P   C2 U4    M2  MM2     01/02/2018 X1
M     01/02/2018 U   E1 A5    M2  MM2     01/12/2018 E12
N     01/01/2017 S   C2 U4    N1  NN1     01/06/2018 X1
N     01/06/2018 B   E1 A6    N2  NN2     01/02/2019 E11
"""
A10_AD1 = """
CHILD DOB        DATE_INT   DATE_MATCH FOSTER_CARE
K     01/01/2010 01/08/2017 01/12/2017 1
M     01/01/2010 01/11/2017 15/01/2018 1
N     01/01/2010 01/05/2017 01/05/2018 0
"""


def test_a10_stops_at_the_foster_placement_reached_by_t_or_u() -> None:
    data = care_data(A10_EPISODES, ad1=A10_AD1)
    # Adopted 01/04/2018-31/03/2019: K, M, N.
    a1 = compute("AD-01", data, as_at="2019-03-31").iloc[0]
    assert (a1["numerator"], a1["denominator"]) == (365 + 365 + 516, 3)
    a10 = compute("AD-03", data, as_at="2019-03-31").iloc[0]
    assert (a10["numerator"], a10["denominator"]) == (59 + 73 + 516, 3)
    assert a10["value"] == pytest.approx(216.0)


# --- AD-06: SGO codes, children counted once --------------------------------------------

# SGO codes by year (src/cpanalytics/codelists/<YYYY>.yaml, SSDA903 REC codes): E43/E44 up
# to 2019/20, E45-E48 from 2020/21; E41 is a residence or child arrangements order.
# DfE "Children looked after in England", ceased tables: "only the last occasion on which a
# child ceased to be looked after in the year has been counted".
# In 2018/19: P SGO (E43), Q SGO (E44), S adopted (E11), T child arrangements order (E41),
# U home to relatives (E13). K leaves to relatives (E13) 01/05/2018, comes back (RNE S)
# 01/06/2018 and leaves on an SGO (E44) 01/12/2018: counted once, on the last occasion, an
# SGO. M leaves on an SGO (E43) 01/06/2018, comes back 01/08/2018 and returns home (E4A)
# 01/02/2019: counted once, on the last occasion, not an SGO. N's last episode ends X1 with
# no next episode: still looked after, not a leaver.
# In 2021/22: R SGO (E45), V SGO (E47), W child arrangements order (E41).
AD06 = """
CHILD DECOM      RNE LS PLACE DEC        REC
P     01/01/2017 S   C2 U4    01/05/2018 E43
Q     01/01/2017 S   C2 U4    01/06/2018 E44
S     01/01/2017 S   C2 U4    01/08/2018 E11
T     01/01/2017 S   C2 U4    01/09/2018 E41
U     01/01/2017 S   C2 U4    01/10/2018 E13
K     01/01/2017 S   C2 U4    01/05/2018 E13
K     01/06/2018 S   C2 U4    01/12/2018 E44
M     01/01/2017 S   C2 U4    01/06/2018 E43
M     01/08/2018 S   C2 U4    01/02/2019 E4A
N     01/01/2017 S   C2 U4    01/11/2018 X1
R     01/01/2020 S   C2 U4    01/07/2021 E45
V     01/01/2020 S   C2 U4    01/08/2021 E47
W     01/01/2020 S   C2 U4    01/09/2021 E41
"""


def test_ad06_sgo_codes_are_e43_to_e48_not_e41() -> None:
    data = care_data(AD06)
    # 2018/19: 7 children left (P, Q, S, T, U, K, M; N did not); adopted or SGO on the last
    # occasion: P, Q, S, K -> 4/7. Counting periods it would be 5/9 (K's E13, M's E43).
    row = compute("AD-06", data, as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (4, 7)
    # 2021/22: R (E45) and V (E47) are SGOs, W (E41) is not -> 2/3.
    row = compute("AD-06", data, as_at="2022-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (2, 3)


# --- AD-07 / AD-07a: disruptions and reversed decisions --------------------------------

# D: placement order 01/06/2017; matched 01/02/2018 (AD1); placed for adoption with new
#    carers (P: LS unchanged, E1) 01/03/2018; the placement ends without an adoption
#    01/09/2018 (P back to foster care, LS still E1).
# G: placed for adoption 01/03/2018; a temporary episode (T1, hospital) 01/05/2018 to
#    10/05/2018, then back with the same adopters: still one placement for adoption.
# R: placement order 01/06/2017; decision to place for adoption 01/04/2017 reversed
#    01/10/2018 (RD1).
WAITING = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
D     01/01/2017 S   C2 U4    D1  DD1     01/06/2017 X1
D     01/06/2017 L   E1 U4    D1  DD1     01/03/2018 X1
D     01/03/2018 P   E1 A6    D2  DD2     01/09/2018 X1
D     01/09/2018 P   E1 U4    D3  DD3     -          -
G     01/01/2017 S   C2 U4    G1  GG1     01/06/2017 X1
G     01/06/2017 L   E1 U4    G1  GG1     01/03/2018 X1
G     01/03/2018 P   E1 A6    G2  GG2     01/05/2018 X1
G     01/05/2018 P   E1 T1    G9  GG9     10/05/2018 X1
G     10/05/2018 P   E1 A6    G2  GG2     -          -
R     01/01/2017 S   C2 U4    R1  RR1     01/06/2017 X1
R     01/06/2017 L   E1 U4    R1  RR1     -          -
"""
WAITING_AD1 = """
CHILD DOB        DATE_INT   DATE_MATCH FOSTER_CARE
D     01/01/2010 01/04/2017 01/02/2018 0
G     01/01/2010 01/04/2017 01/02/2018 0
"""
WAITING_PLACED = """
CHILD DOB        DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED
R     01/01/2010 01/04/2017  01/10/2018         RD1
"""


def _waiting(as_at: str, ad1: str = WAITING_AD1) -> dict[tuple[str, str], int]:
    data = care_data(WAITING, ad1=ad1, placed_for_adoption=WAITING_PLACED)
    result = compute("AD-07", data, as_at=as_at)
    return {(r.status, r.waiting): r.count for r in result.itertuples()}


def test_ad07_before_the_disruption_and_the_reversal() -> None:
    # On 30/06/2018: D and G placed since 01/03/2018 (under 6 months; G's temporary
    # episode neither ends nor restarts the placement); R has a placement order since
    # 01/06/2017 (12 to 18 months), not matched, decision not yet reversed.
    assert _waiting("2018-06-30") == {
        ("Placed, not adopted", "Under 6 months"): 2,
        ("Placement order, not matched", "12 to 18 months"): 1,
    }
    # On 05/05/2018, during G's temporary episode, G is still placed for adoption.
    assert _waiting("2018-05-05")[("Placed, not adopted", "Under 6 months")] == 2


def test_ad07_disrupted_placement_goes_back_to_not_matched() -> None:
    # On 31/12/2018: D's adoptive placement ended 01/09/2018, so the match of 01/02/2018 no
    # longer counts: D has a placement order (since 01/06/2017: 18 months or more), not
    # matched. G is still placed (since 01/03/2018: 6 to 12 months). R's decision was
    # reversed on 01/10/2018: no longer waiting for adoption.
    assert _waiting("2018-12-31") == {
        ("Placement order, not matched", "18 months or more"): 1,
        ("Placed, not adopted", "6 to 12 months"): 1,
    }
    data = care_data(WAITING, ad1=WAITING_AD1, placed_for_adoption=WAITING_PLACED)
    assert compute("AD-07a", data, as_at="2018-12-31").iloc[0]["value"] == 1
    # Before the reversal R counted as not matched: D was placed then -> R only.
    assert compute("AD-07a", data, as_at="2018-06-30").iloc[0]["value"] == 1
    # A match after the disruption (D matched again 01/11/2018) counts: on 31/12/2018 D is
    # matched, not placed, since 01/11/2018 (under 6 months).
    rematched = WAITING_AD1.replace("D     01/01/2010 01/04/2017 01/02/2018",
                                    "D     01/01/2010 01/04/2017 01/11/2018")
    assert _waiting("2018-12-31", rematched)[("Matched, not placed", "Under 6 months")] == 1


# --- AD-07 / AD-07a: matches in the latest year are provisional -----------------------

# DfE AD1 guidance: the adoption return lists a child only in the year they are adopted, so
# a match is seen only once the child is adopted. The data cover 01/04/2017 to 31/03/2019.
# D: placement order 01/06/2017; matched 01/02/2019 but not adopted by 31/03/2019, so no
#    AD1 row: on 31/03/2019 D shows as "placement order, not matched" (since the order, 22
#    months: 18 months or more), though D was matched.
# G: placed for adoption (B, A6) 01/03/2018, not adopted: placement comes from the episodes.
# J: placement order 01/09/2017, matched 01/01/2018, placed 01/05/2018, adopted 01/12/2018
#    (so in AD1).
PROVISIONAL = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
D     01/01/2017 S   C2 U4    D1  DD1     01/06/2017 X1
D     01/06/2017 L   E1 U4    D1  DD1     -          -
G     01/01/2017 S   C2 U4    G1  GG1     01/03/2018 X1
G     01/03/2018 B   E1 A6    G2  GG2     -          -
J     01/01/2017 S   C2 U4    J1  JJ1     01/09/2017 X1
J     01/09/2017 L   E1 U4    J1  JJ1     01/05/2018 X1
J     01/05/2018 B   D1 A6    J2  JJ2     01/12/2018 E11
"""
PROVISIONAL_AD1 = """
CHILD DOB        DATE_INT   DATE_MATCH FOSTER_CARE
J     01/01/2010 01/10/2017 01/01/2018 0
"""


def _provisional_data():
    data = care_data(PROVISIONAL, ad1=PROVISIONAL_AD1)
    data.years = [2018, 2019]
    return data


def test_ad07_flags_the_statuses_that_need_a_match_in_the_latest_year() -> None:
    data = _provisional_data()
    # 31/03/2019 is in the last 12 months of the data: D's row needs the match (provisional);
    # G's ("placed", since 01/03/2018: 12 to 18 months) does not.
    latest = compute("AD-07", data, as_at="2019-03-31")
    got = {(r.status, r.waiting): (r.count, r.provisional) for r in latest.itertuples()}
    assert got == {
        ("Placement order, not matched", "18 months or more"): (1, True),
        ("Placed, not adopted", "12 to 18 months"): (1, False),
    }
    # 31/03/2018 is 12 months before the end of the data: nothing provisional. D has an
    # order since 01/06/2017 (6 to 12 months), J matched 01/01/2018 (under 6 months), G
    # placed 01/03/2018 (under 6 months).
    earlier = compute("AD-07", data, as_at="2018-03-31")
    assert not earlier["provisional"].any()
    assert earlier.set_index("status")["count"].to_dict() == {
        "Placement order, not matched": 1, "Matched, not placed": 1, "Placed, not adopted": 1}
    # The published table: "[p]" after every count of D's row, none on the placed row or
    # the totals (the number waiting does not depend on the match).
    shown = tables.crosstab(latest, "status", "waiting", suppress=False).set_index("Status")
    assert shown.loc["Placement order, not matched"].tolist() == ["0 [p]", "1 [p]", "1 [p]"]
    assert shown.loc["Placed, not adopted"].tolist() == ["1", "0", "1"]
    assert shown.loc["Total"].tolist() == ["1", "1", "2"]
    assert tables.has_provisional({"2018/19": latest})
    assert all(tables.is_numeric_column(shown[c]) for c in shown.columns)
    # AD-07a counts D, matched but not yet in AD1: the definition says it is provisional.
    assert compute("AD-07a", data, as_at="2019-03-31").iloc[0]["value"] == 1


# --- Timeliness: periods that begin before the data, and dates out of order -------------

# The returns loaded cover 01/04/2017 to 31/03/2019 (collection years 2018 and 2019).
# One rule for a start before the data (docs/assumptions.md#period-start-unknown): the
# period's first loaded episode is not RNE S. SSDA903 guidance: DECOM is the date the
# episode started and RNE S "started to be looked after", and a return holds each episode
# open in the year with its true DECOM, so an RNE S episode is a real start whatever its date.
# V: the data begin part-way through V's period: its first loaded episode (01/04/2017) has
#    RNE P, so its start is unknown. Order (L, E1) 01/09/2017, ADM 01/08/2017, match
#    01/03/2018, placed (B, A6) 01/05/2018, adopted 01/02/2019.
# W: first loaded episode RNE S on 01/04/2017, the first day the data cover: a genuine
#    1 April start, known, and so is its order (LS E1 on that first episode). ADM
#    01/05/2018, match 01/04/2018 (before the decision: DfE rule 333 error), placed (B, A6)
#    01/06/2018, adopted 01/01/2019.
# Z: enters care 01/05/2017. ADM 01/06/2017, order 01/07/2017, match 01/01/2018, placed
#    01/02/2018, adopted 01/10/2018.
# Y: enters care 01/06/2017 with a placement order. ADM 01/05/2017, before entering care
#    (DfE rule 334 error); match 01/08/2017; placed 01/09/2017; adopted 01/03/2019.
# X: the data begin part-way through X's period (first loaded episode RNE P, 01/04/2017),
#    already under a placement order (E1): its order date is unknown. Not adopted.
TIMELINESS = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
V     01/04/2017 P   C2 U4    V1  VV1     01/09/2017 X1
V     01/09/2017 L   E1 U4    V1  VV1     01/05/2018 X1
V     01/05/2018 B   D1 A6    V2  VV2     01/02/2019 E11
W     01/04/2017 S   E1 U4    W1  WW1     01/06/2018 X1
W     01/06/2018 B   D1 A6    W2  WW2     01/01/2019 E11
Z     01/05/2017 S   C2 U4    Z1  ZZ1     01/07/2017 X1
Z     01/07/2017 L   E1 U4    Z1  ZZ1     01/02/2018 X1
Z     01/02/2018 B   D1 A6    Z2  ZZ2     01/10/2018 E11
Y     01/06/2017 S   E1 U4    Y1  YY1     01/09/2017 X1
Y     01/09/2017 B   D1 A6    Y2  YY2     01/03/2019 E11
X     01/04/2017 P   E1 U4    X1  XX1     -          -
"""
TIMELINESS_AD1 = """
CHILD DOB        DATE_INT   DATE_MATCH FOSTER_CARE
V     01/01/2010 01/08/2017 01/03/2018 0
W     01/01/2010 01/05/2018 01/04/2018 0
Z     01/01/2010 01/06/2017 01/01/2018 0
Y     01/01/2010 01/05/2017 01/08/2017 0
"""


def _timeliness_data():
    data = care_data(TIMELINESS, ad1=TIMELINESS_AD1)
    data.years = [2018, 2019]
    return data


def _mean(measure: str) -> tuple[float, float]:
    row = compute(measure, _timeliness_data(), as_at="2019-03-31").iloc[0]
    return row["numerator"], row["denominator"]


def test_a1_leaves_out_periods_that_began_before_the_data() -> None:
    # V, W, Z and Y adopted in 2018/19. V: start unknown, left out.
    # W: 01/04/2017 -> 01/06/2018 = 365 (to 01/04/2018) + 30 + 31 = 426 (an RNE S start on
    # the first day the data cover is kept).
    # Z: 01/05/2017 -> 01/02/2018 = 31+30+31+31+30+31+30+31+31 (May to Jan) = 276.
    # Y: 01/06/2017 -> 01/09/2017 = 30+31+31 = 92. -> (426 + 276 + 92, 3) = (794, 3).
    assert _mean("AD-01") == (794, 3)
    assert _mean("AD-05d") == (794, 3)


def test_a2_needs_a_known_order_date() -> None:
    # V's order is not on its first loaded episode, so it is known:
    # 01/09/2017 -> 01/03/2018 = 30+31+30+31+31+28 = 181. W's order is on its first loaded
    # episode, which is RNE S: known, 01/04/2017 -> 01/04/2018 = 365.
    # Z: 01/07/2017 -> 01/01/2018 = 31+31+30+31+30+31 = 184. Y: 01/06/2017 -> 01/08/2017 = 61.
    assert _mean("AD-02") == (181 + 365 + 184 + 61, 4)


def test_dates_out_of_order_are_left_out_never_negative() -> None:
    # AD-05a (entering care -> ADM): V unknown start; W 01/04/2017 -> 01/05/2018 = 365 + 30
    # = 395; Z 01/05/2017 -> 01/06/2017 = 31; Y's decision precedes entering care (DfE rule
    # 334) -> left out, not -31.
    assert _mean("AD-05a") == (395 + 31, 2)
    # AD-05b (ADM -> match): V 01/08/2017 -> 01/03/2018 = 31+30+31+30+31+31+28 = 212;
    # W's match precedes its decision (DfE rule 333) -> left out, not -30;
    # Z 01/06/2017 -> 01/01/2018 = 30+31+31+30+31+30+31 = 214; Y 01/05/2017 -> 01/08/2017
    # = 31+30+31 = 92.
    assert _mean("AD-05b") == (212 + 214 + 92, 3)
    # AD-05 (placed -> adoption order): every placement date is after the first episode.
    # V 01/05/2018 -> 01/02/2019 = 276; W 01/06/2018 -> 01/01/2019 = 214;
    # Z 01/02/2018 -> 01/10/2018 = 242; Y 01/09/2017 -> 01/03/2019 = 365 + 181 = 546.
    assert _mean("AD-05") == (276 + 214 + 242 + 546, 4)


# --- AD-04: matches in the latest year are provisional ---------------------------------

def test_ad04_flags_the_latest_years_matches_provisional() -> None:
    # The data cover 2017/18 and 2018/19. AD1 lists children only once adopted, so the
    # matches of 2018/19 (the last 12 months of the data) are provisional; 2017/18's are not.
    data = _timeliness_data()
    latest = compute("AD-04", data, as_at="2019-03-31")
    flagged = latest.loc[latest["provisional"], "stage"].astype(str).tolist()
    assert flagged == ["Match"]
    # Matches in 2018/19: W (01/04/2018) only; V, Z and Y were matched in 2017/18.
    assert latest.set_index("stage")["count"]["Match"] == 1
    earlier = compute("AD-04", data, as_at="2018-03-31")
    assert not earlier["provisional"].any()
    # The five-year table shows the flag: "[p]" after the latest year's matches only.
    shown = tables.counts_by_period({"2017/18": earlier, "2018/19": latest}, "stage",
                                    suppress=False)
    row = shown.set_index("Stage").loc["Match"]
    assert row["2018/19"] == "1 [p]"
    assert "[p]" not in str(row["2017/18"])
    assert tables.has_provisional({"2018/19": latest})
    assert tables.is_numeric_column(shown["2018/19"])


def test_ad04_placements_and_orders_before_the_data_are_not_events() -> None:
    # 2017/18 (as at 31/03/2018): placement orders V 01/09/2017, W 01/04/2017 (RNE S on the
    # first day the data cover: a real start), Z 01/07/2017, Y 01/06/2017 -> 4. X's order is
    # on the first loaded episode of a period under way before the data (RNE P): its date is
    # unknown, so no event. Placed: Z 01/02/2018, Y 01/09/2017.
    got = compute("AD-04", _timeliness_data(), as_at="2018-03-31").set_index("stage")["count"]
    assert got["Placement order"] == 4
    assert got["Placed for adoption"] == 2
