"""PS-* on hand-built cases; expected values worked out by hand from indicators.md.

RNE as the DfE SSDA903 guidance and validator rules 217, 435 and 436 define it: S, P and B
bring a new carer; L, T and U keep the carer (T: placement changed; U: legal status and
placement changed). The cases below pass rules 435 and 436 (P/T keep LS, U/B change it).
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute

# Child A: three carers in the year ending 31/03/2019 (S, P, P)          -> 3 placements
# Child B: S, then a temporary T1 episode, then back to the same carer    -> 1 placement
# Child C: S, T (same carer, new placement type), U (LS + placement, same carer)
#          -> 1 placement (DfE: T and U keep the carer)
# Child D: S on 01/06/2018, P, then B (new carer and legal status)        -> 3 placements
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
C     01/08/2018 T   C2 U5    Z1   CC1     01/10/2018 X1
C     01/10/2018 U   E1 A5    Z1   CC1     -          -
D     01/06/2018 S   V2 U1    W1   DD1     01/08/2018 X1
D     01/08/2018 P   V2 U4    W2   DD2     01/11/2018 X1
D     01/11/2018 B   C2 U4    W3   DD3     -          -
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


# PS-02 as at 31/03/2019: long term = period started on/before 30/09/2016 (30 months);
# same placement for 2 years = placement started on/before 31/03/2017.
#   P  in care since 01/01/2015 with one carer                         -> stable
#   Q  since 01/01/2015, moved to a new carer 01/01/2018                 -> not stable
#   R  since 01/01/2015, foster carer to 01/06/2018, then placed for adoption with a new
#      carer (B: new LS and carer, A6): previous placement started 01/01/2015 -> stable
#   S  aged 17 on the date                                               -> excluded (16+)
#   T  in care since 01/01/2017 (27 months)                              -> excluded
#   U  foster carer since 01/01/2016 who then adopts (RNE U to A5, same carer) -> stable
#   V  since 01/01/2015, temporary T1 episode in 2018, back to the same carer -> stable
#   W  started exactly 30 months before, 30/09/2016, one carer           -> stable
#   X  started 01/10/2016, one day short                                 -> excluded
# Denominator P, Q, R, U, V, W = 6; numerator P, R, U, V, W = 5 -> 83.3%.
LONG_TERM = """
CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
P     01/01/2015 S   C2 U4    P1  PP1     -          -
Q     01/01/2015 S   C2 U4    Q1  QQ1     01/01/2018 X1
Q     01/01/2018 P   C2 U4    Q2  QQ2     -          -
R     01/01/2015 S   C2 U4    R1  RR1     01/06/2018 X1
R     01/06/2018 B   E1 A6    R2  RR2     -          -
S     01/01/2015 S   C2 U4    S1  SS1     -          -
T     01/01/2017 S   C2 U4    T1  TT1     -          -
U     01/01/2016 S   C2 U4    U1  UU1     01/09/2018 X1
U     01/09/2018 U   E1 A5    U1  UU1     -          -
V     01/01/2015 S   C2 U4    V1  VV1     01/07/2018 X1
V     01/07/2018 P   C2 T1    V9  VV9     15/07/2018 X1
V     15/07/2018 P   C2 U4    V1  VV1     -          -
W     30/09/2016 S   C2 U4    W1  WW1     -          -
X     01/10/2016 S   C2 U4    X1  XX1     -          -
"""
LONG_TERM_HEADER = """
CHILD SEX DOB        ETHNIC
P     1   01/01/2008 WBRI
Q     1   01/01/2008 WBRI
R     2   01/01/2012 WBRI
S     2   01/01/2002 WBRI
T     1   01/01/2008 WBRI
U     1   01/01/2010 WBRI
V     2   01/01/2008 WBRI
W     1   01/01/2008 WBRI
X     1   01/01/2008 WBRI
"""


def test_ps02_long_term_stability_including_adoptive_placements() -> None:
    result = compute("PS-02", care_data(LONG_TERM, header=LONG_TERM_HEADER), as_at="2019-03-31")
    row = result.iloc[0]
    assert (row["numerator"], row["denominator"]) == (5, 6)
    assert row["value"] == pytest.approx(500 / 6)


def test_ps02_a_child_turning_16_leaves_the_cohort() -> None:
    # As at 31/01/2024: P and Q (born 01/01/2008) are 16 -> out; V too. R (born 2012),
    # U (2010), W and X (2008, 16) -> only R and U remain; both stable -> 2 / 2.
    result = compute("PS-02", care_data(LONG_TERM, header=LONG_TERM_HEADER), as_at="2024-01-31")
    row = result.iloc[0]
    assert (row["numerator"], row["denominator"]) == (2, 2)


def _many_carers() -> str:
    # G: 12 different carers between 01/04/2018 and 01/03/2019 (one a month) -> 12 placements.
    rows = []
    starts = [f"01/{m:02d}/2018" for m in range(4, 13)] + ["01/01/2019", "01/02/2019", "01/03/2019"]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else "-"
        rows.append(f"G {start} {'S' if i == 0 else 'P'} C2 U4 G{i} GG{i} {end} {'X1' if end != '-' else '-'}")
    return "\n".join(rows)


def test_ps03_distribution_by_age_and_number_of_placements() -> None:
    header = "CHILD SEX DOB ETHNIC\n" + "\n".join(
        f"{c} 1 {'01/06/2003' if c == 'G' else '01/01/2010'} WBRI" for c in "ABCDEFG")
    data = care_data(EPISODES + _many_carers(), header=header)
    result = compute("PS-03", data, as_at="2019-03-31")
    got = {(r.age, r.placements): r.count for r in result.itertuples()}
    # A and D: 3 placements in 2018/19, aged 9; G: 12 placements -> "11+", aged 15.
    assert got == {(9, "3"): 2, (15, "11+"): 1}
    assert set(result["age_band"].astype(str)) == {"5 to 9", "10 to 15"}


def test_ps03_year_to_date_at_a_month_end() -> None:
    # As at 30/09/2018 (window from 01/04/2018): A had X1 (to 01/05), X2 (to 01/09), X3 -> 3;
    # D had W1 (from 01/06) and W2 -> 2, below 3. One child.
    result = compute("PS-03", care_data(EPISODES), as_at="2018-09-30")
    assert result["count"].tolist() == [1]
    assert result["placements"].astype(str).tolist() == ["3"]


# Moves to a new carer in 2018/19, reason taken from the episode ending the placement:
#   H: carer 1 -> carer 2 on 01/06/2018 (CARPL, foster -> foster), carer 2 -> carer 3 on
#      01/10/2018 (CREQB, foster -> residential)
#   I: carer 1 -> carer 2 on 01/03/2018 (ALLEG, before the window), carer 2 -> carer 3 on
#      01/05/2018 (no reason recorded); then a same-carer change (RNE T) -> not a move
#   J: temporary T1 episode and back to the same carer -> no move
# 3 moves: one third each.
MOVES = """
CHILD DECOM      RNE LS PLACE URN PL_POST REASON_PLACE_CHANGE DEC        REC
H     01/04/2018 S   C2 U4    H1  HH1     CARPL               01/06/2018 X1
H     01/06/2018 P   C2 U4    H2  HH2     CREQB               01/10/2018 X1
H     01/10/2018 P   C2 R1    H3  HH3     -                   -          -
I     01/01/2018 S   C2 U4    I1  II1     ALLEG               01/03/2018 X1
I     01/03/2018 P   C2 U4    I2  II2     -                   01/05/2018 X1
I     01/05/2018 P   C2 U1    I3  II3     PLACE               01/08/2018 X1
I     01/08/2018 T   C2 U4    I3  II3     -                   -          -
J     01/01/2018 S   C2 U4    J1  JJ1     -                   01/07/2018 X1
J     01/07/2018 P   C2 T1    J9  JJ9     -                   15/07/2018 X1
J     15/07/2018 P   C2 U4    J1  JJ1     -                   -          -
"""


def test_ps04_moves_by_reason_and_type() -> None:
    result = compute("PS-04", care_data(MOVES), as_at="2019-03-31")
    got = {(r.reason, r.from_type, r.to_type): r.count for r in result.itertuples()}
    assert got == {
        ("Change to or implementation of care plan", "Foster care", "Foster care"): 1,
        ("Carer requests end: child's behaviour", "Foster care", "Residential"): 1,
        ("Not recorded", "Foster care", "Foster care"): 1,
    }
    assert result["value"].tolist() == pytest.approx([100 / 3] * 3)


def test_ps05_needs_an_allocation_extract_and_says_so() -> None:
    row = compute("PS-05", care_data(EPISODES), as_at="2019-03-31").iloc[0]
    assert not row["available"]
    assert "social_worker_allocations" in row["note"]


def test_ps02_temporary_episode_on_the_date_keeps_the_placement() -> None:
    # A: with carer X1 since 01/01/2015, on a temporary T1 episode from 25/03/2019 (still
    # open). Temporary episodes neither count nor break a placement, so on 31/03/2019 A has
    # been with X1 for over 4 years: under 16 (born 2010), in care 2.5+ years -> 1/1.
    episodes = """
    CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
    A     01/01/2015 S   C2 U4    X1  AA1     25/03/2019 X1
    A     25/03/2019 P   C2 T1    X8  AA8     -          -
    """
    row = compute("PS-02", care_data(episodes), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 1)


def test_ps02_placed_for_adoption_is_judged_on_the_date_not_later() -> None:
    # B: foster carer X1 from 2015, new foster carer X2 from 01/01/2018, who becomes the
    # adopter (U, A5) only on 01/06/2019. On 31/03/2019 B is in foster care with X2 for 15
    # months and not yet placed for adoption -> not stable: 0/1.
    episodes = """
    CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
    B     01/01/2015 S   C2 U4    X1  AA1     01/01/2018 X1
    B     01/01/2018 P   C2 U4    X2  AA2     01/06/2019 X1
    B     01/06/2019 U   E1 A5    X2  AA2     -          -
    """
    row = compute("PS-02", care_data(episodes), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (0, 1)
    # On 30/06/2019 B is placed for adoption with X2; adoptive plus previous placement
    # (X2 since 01/01/2018... and X1 before it since 2015) last 2+ years -> stable: 1/1.
    row = compute("PS-02", care_data(episodes), as_at="2019-06-30").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 1)


def test_blank_carer_codes_never_count_as_the_same_carer() -> None:
    # C: all URN and PL_POST blank. After a temporary episode C moves (RNE P); with no carer
    # codes we cannot say it is the same carer, so it is a new placement: S, P (new), P ->
    # 3 placements in the year to 31/03/2019 -> 1/1.
    episodes = """
    CHILD DECOM      RNE LS PLACE URN PL_POST DEC        REC
    C     01/01/2018 S   C2 U4    -   -       01/06/2018 X1
    C     01/06/2018 P   C2 T1    -   -       10/06/2018 X1
    C     10/06/2018 P   C2 U4    -   -       01/09/2018 X1
    C     01/09/2018 P   C2 U4    -   -       -          -
    """
    row = compute("PS-01", care_data(episodes), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 1)
