"""CIC-03, CIC-03S, HE-04, HE-05 and HE-06 against the DfE's own rules (issue 12).

Each case is small and worked out by hand from the DfE text cited beside it.
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute


def _row(indicator: str, data, as_at: str) -> tuple[float, float]:
    row = compute(indicator, data, as_at=as_at).iloc[0]
    return row["numerator"], row["denominator"]


# Children who ceased or started in FY 2018/19 (01/04/2018-31/03/2019).
# DfE "Children looked after in England", ceased tables, footnote: "Only the last occasion on
# which a child ceased to be looked after in the year has been counted." Starting tables:
# a child who started more than once in the year is counted once, on the first occasion.
#   A: returned home (E4A) 01/06/2018, back 01/09/2018, left to live with relatives (E13)
#      01/02/2019 -> one child, on the last occasion: E13. Started once in the year (01/09).
#   B: child arrangements order (E41) 01/07/2018: its own DfE group, not an SGO.
#   C: SGO under the older code E44 (2018/19 code list) 01/08/2018 -> SGO.
#   D: sentenced to custody (E9) 01/10/2018: a small DfE group, shown as "Other".
#   E: aged 18, stayed put with the carers (E17) 01/01/2019.
#   F: born 15/06/2008; started 01/05/2018 aged 9, returned home (E4A) 01/06/2018, started
#      again 01/03/2019 aged 10 -> one starter, on the first occasion (aged 9: "5 to 9").
CEASED = """
CHILD DECOM      RNE LS PLACE DEC        REC
A     01/01/2018 S   C2 U4    01/06/2018 E4A
A     01/09/2018 S   C2 U4    01/02/2019 E13
B     01/01/2017 S   C2 U1    01/07/2018 E41
C     01/01/2017 S   C2 U1    01/08/2018 E44
D     01/01/2017 S   V2 R1    01/10/2018 E9
E     01/01/2016 S   C2 U4    01/01/2019 E17
F     01/05/2018 S   V2 U4    01/06/2018 E4A
F     01/03/2019 S   V2 U4    -          -
"""
CEASED_HEADER = """
CHILD SEX DOB        ETHNIC
A     1   01/01/2010 WBRI
B     2   01/01/2012 WBRI
C     1   01/01/2012 WBRI
D     1   01/01/2002 WBRI
E     2   01/06/2000 WBRI
F     2   15/06/2008 WBRI
"""


def _ceased():
    return care_data(CEASED, header=CEASED_HEADER)


def test_cic03_counts_each_child_once_on_the_last_occasion() -> None:
    result = compute("CIC-03", _ceased(), as_at="2019-03-31").set_index("reason")
    # 7 periods ended in the year, but 6 children: A (E13, last), B, C, D, E, F (E4A).
    assert result["count"].to_dict() == {
        "Special guardianship order": 1,                # C
        "Child arrangements (residence) order": 1,      # B
        "Returned home to parents": 1,                  # F (A's E4A is not its last)
        "Left to live with parents or relatives": 1,    # A
        "Remained with carers at 18 (staying put)": 1,  # E
        "Other": 1,                                     # D
    }
    assert (result["denominator"] == 6).all()
    assert result.loc["Left to live with parents or relatives", "value"] == pytest.approx(100 / 6)


def test_cic03_year_to_date_takes_the_last_occasion_so_far() -> None:
    # 31/07/2018: window 01/04-31/07/2018. A's last occasion so far is E4A (01/06); F E4A
    # (01/06); B E41 (01/07) -> 3 children, 2 returned home.
    result = compute("CIC-03", _ceased(), as_at="2018-07-31").set_index("reason")
    assert result["count"].to_dict() == {
        "Child arrangements (residence) order": 1, "Returned home to parents": 2}


def test_cic03_an_episode_ending_x1_is_not_a_leaving() -> None:
    # SSDA903 REC X1: "episode ceased and child remains looked after". G's next episode
    # starts after a gap (a data error), so the data show two periods; the first is not a
    # leaving. H left on 01/07/2018 (E13). -> 1 child.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC        REC
        G     01/01/2018 S   C2 U4    01/06/2018 X1
        G     10/06/2018 P   C2 U4    -          -
        H     01/01/2018 S   C2 U4    01/07/2018 E13
    """)
    result = compute("CIC-03", data, as_at="2019-03-31")
    assert result.set_index("reason")["count"].to_dict() == {
        "Left to live with parents or relatives": 1}


def test_cic03s_counts_each_child_once_on_the_first_occasion() -> None:
    # Starts in FY 2018/19: A 01/09/2018; F 01/05/2018 and 01/03/2019 -> 2 children.
    data = _ceased()
    row = compute("CIC-03S", data, as_at="2019-03-31").iloc[0]
    assert row["value"] == 2
    # F is counted at its first start, aged 9 ("5 to 9"), not at 10; A is 8 on 01/09/2018.
    by_age = compute("CIC-03S", data, as_at="2019-03-31", by="age_band").set_index("age_band")
    assert by_age["value"].to_dict() == {"5 to 9": 2}


# The 12-month rule (HE-04, HE-05). DfE OC2 cohort: looked after continuously for at least 12
# months at 31 March; the DfE validator (lac_validator utils, CONTINUOUSLY_LOOKED_AFTER, used
# by rules 185-191) breaks continuity only by a start (RNE S) AFTER 1 April, so a child who
# started on 01/04/2018 has been looked after for 12 months at 31/03/2019.
#   X: started 01/04/2018 (the boundary day) -> in the cohort.
#   Y: started 02/04/2018 (the day after) -> not in it.
#   Both are 9, with a review health assessment and a dental check on 01/05/2018 -> in time.
BOUNDARY = """
CHILD DECOM      RNE LS PLACE DEC REC
X     01/04/2018 S   C2 U4    -   -
Y     02/04/2018 S   C2 U4    -   -
"""
BOUNDARY_CHECKS = """
CHILD TYPE   DATE_REQUESTED DATE_COMPLETED
X     RHA    -              01/05/2018
X     DENTAL -              01/05/2018
Y     RHA    -              01/05/2018
Y     DENTAL -              01/05/2018
"""


@pytest.mark.parametrize("measure", ["HE-04", "HE-05"])
def test_in_care_12_months_from_1_april_a_year_before(measure: str) -> None:
    data = care_data(BOUNDARY, health_assessments=BOUNDARY_CHECKS)
    # 31/03/2019: X only -> 1/1.
    assert _row(measure, data, "2019-03-31") == (1, 1)
    # 01/04/2019: Y has now been in care since 02/04/2018, the day after 01/04/2018 -> X, Y.
    assert _row(measure, data, "2019-04-01") == (2, 2)


def test_in_care_12_months_on_any_date_is_the_12_months_ending_on_it() -> None:
    # 15/08/2019: the 12 months are 16/08/2018-15/08/2019. V started 16/08/2018 (in),
    # W 17/08/2018 (out). V's dental check 01/09/2018 is within them -> 1/1.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        V     16/08/2018 S   C2 U4    -   -
        W     17/08/2018 S   C2 U4    -   -
    """, health_assessments="""
        CHILD TYPE   DATE_REQUESTED DATE_COMPLETED
        V     DENTAL -              01/09/2018
        W     DENTAL -              01/09/2018
    """)
    assert _row("HE-05", data, "2019-08-15") == (1, 1)


def test_a_period_under_way_when_the_data_begin_counts_as_12_months() -> None:
    # Z's first episode in the data is a placement change (RNE P) on 01/02/2018: the period
    # began before the data, so on 31/12/2018 (12 months from 01/01/2018) it counts, as the
    # DfE validator counts a child with no RNE S start in the year.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        Z     01/02/2018 P   C2 U4    -   -
    """, health_assessments="""
        CHILD TYPE   DATE_REQUESTED DATE_COMPLETED
        Z     DENTAL -              01/06/2018
    """)
    assert _row("HE-05", data, "2018-12-31") == (1, 1)


# HE-06 (OC2, collection year 2019). The OC2 cohort comes from the episodes, as the DfE
# validator's CONTINUOUSLY_LOOKED_AFTER (rules 185, 190: children outside it should have no
# OC2 data): in care since 01/04/2018 or earlier and not leaving before 31/03/2019 (a
# period ending ON 31 March is not a leaving, since the validator's test is DEC < 31 March).
# SDQ (DfE validator rule 186): children aged 4 or over at the start of the year (1 April)
# and under 17 at its end (31 March); DfE statistics: broadly aged 5 to 16 at 31 March.
#   S1 age 9, score 10                                         -> due, scored
#   S2 born 01/01/2002: 17 at 31/03/2019, score 30             -> not due (17)
#   S3 born 01/06/2014: 3 on 01/04/2018 (4 at 31 March), 20    -> not due (under 4 at start)
#   S4 born 01/04/2014: 4 on 01/04/2018, score 14              -> due, scored
#   S5 born 01/04/2002: 16 at 31/03/2019, score 6              -> due, scored
#   S6 age 12, no score                                        -> due, not scored
#   S7 in care since 02/04/2018, score 40, HEALTH_ASSESSMENT 1 -> not in the OC2 cohort
#   S8 in care since 01/04/2018, age 10, score 2               -> due, scored
#   S9 left care on 31/03/2019 (E4A), age 10, score 8          -> due, scored
SDQ_EPISODES = """
CHILD DECOM      RNE LS PLACE DEC        REC
S1    01/01/2017 S   C2 U4    -          -
S2    01/01/2017 S   C2 U4    -          -
S3    01/01/2017 S   C2 U4    -          -
S4    01/01/2017 S   C2 U4    -          -
S5    01/01/2017 S   C2 U4    -          -
S6    01/01/2017 S   C2 U4    -          -
S7    02/04/2018 S   C2 U4    -          -
S8    01/04/2018 S   C2 U4    -          -
S9    01/01/2017 S   C2 U4    31/03/2019 E4A
"""
SDQ_OC2 = """
CHILD DOB        YEAR SDQ_SCORE HEALTH_ASSESSMENT
S1    01/01/2010 2019 10        1
S2    01/01/2002 2019 30        0
S3    01/06/2014 2019 20        1
S4    01/04/2014 2019 14        1
S5    01/04/2002 2019 6         1
S6    01/01/2007 2019 -         1
S7    01/01/2010 2019 40        1
S8    01/01/2009 2019 2         1
S9    01/01/2009 2019 8         1
"""


def _sdq():
    header = "CHILD SEX DOB ETHNIC\n" + "\n".join(
        f"{line.split()[0]} 1 {line.split()[1]} WBRI" for line in SDQ_OC2.strip().splitlines()[1:])
    return care_data(SDQ_EPISODES, header=header, oc2=SDQ_OC2)


def test_he06_mean_sdq_is_of_the_children_due_an_sdq() -> None:
    # Due and scored: S1 10, S4 14, S5 6, S8 2, S9 8 -> 40 / 5 = 8.0 (before: every OC2 row
    # with a score, S1-S5 and S7-S9, (10+30+20+14+6+40+2+8) / 8 = 16.25).
    assert _row("HE-06", _sdq(), "2019-03-31") == (40, 5)
    assert compute("HE-06", _sdq(), as_at="2019-03-31").iloc[0]["value"] == pytest.approx(8.0)


def test_he06e_sdq_completed_has_the_same_cohort_as_the_mean() -> None:
    # Due: S1, S4, S5, S6, S8, S9 = 6; scored: all but S6 = 5.
    assert _row("HE-06e", _sdq(), "2019-03-31") == (5, 6)


def test_he06_oc2_rates_use_the_dfe_oc2_cohort() -> None:
    # Cohort: S1-S6, S8, S9 = 8 (S7 started 02/04/2018); health assessment up to date: all
    # but S2 = 7.
    assert _row("HE-06a", _sdq(), "2019-03-31") == (7, 8)


# One rule for a period that began before the data, in every measure
# (docs/assumptions.md#period-start-unknown): its first loaded episode is not RNE S. SSDA903
# guidance: DECOM is the date the episode started and RNE S means the child started to be
# looked after; a return holds each episode with its true DECOM. So a start on the first day
# the data cover (01/04/2017; collection year 2018 only) is a real start.
# A: RNE S on Sat 01/04/2017, the first day covered. IHA completed 20/04/2017; 20 working
#    days after the start (Good Friday 14/04, Easter Monday 17/04 and 01/05 are bank
#    holidays) is 03/05/2017 -> in time. First review due 03/05/2017, held 10/05/2017: late.
# B: first loaded episode RNE P on 01/04/2017: under way before the data, start unknown. No
#    start, no IHA due; next review taken as due 6 months after 01/04/2017, held 01/12/2017
#    -> next due 01/06/2018: in time on 31/03/2018.
FIRST_DAY = """
CHILD DECOM      RNE LS PLACE DEC REC
A     01/04/2017 S   C2 U4    -   -
B     01/04/2017 P   C2 U4    -   -
"""


def test_a_start_on_the_first_day_the_data_cover_is_a_start_for_every_measure() -> None:
    data = care_data(FIRST_DAY, reviews="""
        CHILD REVIEW     REVIEW_CODE
        A     10/05/2017 PN1
        B     01/12/2017 PN1
    """, health_assessments="""
        CHILD TYPE DATE_REQUESTED DATE_COMPLETED
        A     IHA  03/04/2017     20/04/2017
    """)
    data.years = [2018]
    assert _row("CIC-03S", data, "2018-03-31")[0] == 1  # A only
    assert _row("HE-02", data, "2018-03-31") == (1, 1)  # A's IHA in time; B not in the cohort
    # In care 12 months on 31/03/2018 (since 01/04/2017): A (assessed 20/04/2017) and B (no
    # assessment) -> 1/2.
    assert _row("HE-04", data, "2018-03-31") == (1, 2)
    # A's first review was late (judged: its start is known); B's reviews are in time -> 1/2.
    assert _row("IR-01", data, "2018-03-31") == (1, 2)
