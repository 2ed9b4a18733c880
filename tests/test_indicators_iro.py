"""IR-* on hand-built cases; expected values worked out by hand from indicators.md.

England and Wales bank holidays used below: 25-26/12/2018, 01/01/2019, 19/04/2019 (Good
Friday), 22/04/2019 (Easter Monday), 06/05/2019, 07/05/2018, 28/05/2018.
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute, series

# IR-01 as at 31/03/2019. First review due 20 working days after the period starts.
# A: starts Mon 03/12/2018. Working days after: 04-07/12 (4), 10-14 (9), 17-21 (14), 24/12
#    (15), [25, 26 bank holidays], 27, 28 (17), 31/12 (18), [01/01 bank holiday], 02/01 (19),
#    03/01/2019 (20) -> due 03/01/2019, held that day: in time. Next due 03/04/2019. -> 1/1
# C: starts Tue 01/05/2018: 02-04/05 (3), [07/05 BH] 08-11 (7), 14-18 (12), 21-25 (17),
#    [28/05 BH] 29-31 (20) -> due 31/05/2018, held 31/05 (in time); due 31/08/2018 (3 months),
#    held 31/08 (in time); due 31/08 + 6 months = 28/02/2019 (no 31 Feb: last day), held
#    28/02/2019 (in time); next due 28/08/2019.                                  -> 1/1
# D: as C, but the third review is held 01/03/2019, a day after 28/02/2019: late. -> 0/1
# E: starts Mon 02/07/2018: 03-06/07 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30/07 (20) -> due
#    30/07/2018, held 06/08/2018 (late); the clock restarts: due 06/11/2018, held
#    05/11/2018 (in time). A late review stays late.                              -> 0/1
# F: enters care on the as-at date: no review due yet                              -> excluded
# G: starts Fri 01/02/2019: 04-08/02 (5), 11-15 (10), 18-22 (15), 25-28 (19), 01/03 (20) ->
#    due 01/03/2019, no review held by 31/03: overdue                              -> 0/1
# H: short breaks only (LS V3), with a review                                      -> excluded
# I: an earlier period (2017) with a late review, then a new period from Fri 01/03/2019:
#    04-08/03 (5), 11-15 (10), 18-22 (15), 25-29 (20) -> due 29/03/2019, held 29/03; only the
#    current period counts                                                          -> 1/1
# Total: numerator A, C, I = 3; denominator A, C, D, E, G, I = 6; 50%.
EPISODES = """
CHILD DECOM      RNE LS PLACE DEC        REC
A     03/12/2018 S   C2 U4    -          -
C     01/05/2018 S   C2 U4    -          -
D     01/05/2018 S   C2 U4    -          -
E     02/07/2018 S   V2 U4    -          -
F     31/03/2019 S   V2 U4    -          -
G     01/02/2019 S   C1 U4    -          -
H     01/06/2018 S   V3 U4    -          -
I     01/01/2017 S   C2 U4    01/06/2017 E13
I     01/03/2019 S   C2 U4    -          -
"""
REVIEWS = """
CHILD REVIEW     REVIEW_CODE
A     03/01/2019 PN1
C     31/05/2018 PN0
C     31/08/2018 PN0
C     28/02/2019 PN0
D     31/05/2018 PN7
D     31/08/2018 PN2
D     01/03/2019 PN3
E     06/08/2018 PN1
E     05/11/2018 PN7
H     20/06/2018 PN1
I     10/03/2017 PN1
I     29/03/2019 PN5
"""


def _data(**local: str):
    return care_data(EPISODES, reviews=REVIEWS, **local)


def test_ir01_every_due_review_held_on_time_at_31_march_2019() -> None:
    row = compute("IR-01", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 6)
    assert row["value"] == pytest.approx(50.0)


def test_ir01_series_tracks_a_review_becoming_overdue() -> None:
    # 31/07/2018: C and D (due 31/05, held) in time; E due 30/07/2018 and not held -> late.
    #   A, F, G, I(2019) not in care; I's 2017 period ended. -> 2/3.
    # 31/08/2018: C, D held 31/08 (on the due date); E held 06/08 late -> 2/3.
    # 28/02/2019: A in time; C held 28/02 on time; D's third review fell due 28/02 and was
    #   not held on or before it (held 01/03) -> late; E late; G due 01/03 not yet -> 2/4.
    # 01/03/2019 is not a month end; 31/03/2019 is 3/6 (above).
    got = series("IR-01", _data(), "2018-07-31", "2019-02-28").set_index("date")
    assert tuple(got.loc["2018-07-31", ["numerator", "denominator"]]) == (2, 3)
    assert tuple(got.loc["2018-08-31", ["numerator", "denominator"]]) == (2, 3)
    assert tuple(got.loc["2019-02-28", ["numerator", "denominator"]]) == (2, 4)


def test_ir01_first_review_due_after_easter_bank_holidays() -> None:
    # J starts Thu 18/04/2019. Working days after: [19/04 Good Friday, 22/04 Easter Monday]
    # 23-26/04 (4), 29-30/04 (6), 01-03/05 (9), [06/05 BH] 07-10/05 (13), 13-17/05 (18),
    # 20/05 (19), 21/05 (20) -> due 21/05/2019. Held 21/05: in time (ignoring the bank
    # holidays would put the due date on 16/05 and make it late).
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        J     18/04/2019 S   V2 U4    -   -
    """, reviews="""
        CHILD REVIEW     REVIEW_CODE
        J     21/05/2019 PN1
    """)
    got = series("IR-01", data, "2019-04-30", "2019-05-31").set_index("date")
    assert got.loc["2019-04-30", "denominator"] == 0  # nothing due yet
    assert tuple(got.loc["2019-05-31", ["numerator", "denominator"]]) == (1, 1)


def test_ir02_participation_excludes_pn0_and_reviews_outside_care() -> None:
    # Reviews 01/04/2018-31/03/2019 within a period of care: A PN1; C PN0 x3 (excluded);
    # D PN7, PN2, PN3; E PN1, PN7; I PN5 (29/03/2019). H is short breaks only (excluded),
    # I's 2017 review is outside the window.
    # Denominator PN1-PN7: A1 + D3 + E2 + I1 = 7; participated PN1-PN6: A, D PN2, D PN3,
    # E PN1, I PN5 = 5 -> 5/7.
    row = compute("IR-02", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (5, 7)


def test_ir03_participation_by_age_at_review() -> None:
    # Everyone is born 01/01/2010 (the builder's default): aged 8 at reviews in 2018, 9 in
    # 2019 -> all "4 to 9". PN counts in FY 2018/19: PN1 2 (A, E), PN2 1, PN3 1, PN5 1,
    # PN7 2 (D, E) of 7.
    got = compute("IR-03", _data(), as_at="2019-03-31")
    assert set(got["age_at_review"]) == {"4 to 9"}
    counts = got.set_index("participation")["count"].to_dict()
    assert counts == {"PN1": 2, "PN2": 1, "PN3": 1, "PN5": 1, "PN7": 2}
    assert got["denominator"].unique().tolist() == [7]


def test_ir04_reviews_held_and_reviews_per_child() -> None:
    # Held in FY 2018/19 within care: A 1, C 3, D 3, E 2, I 1 = 10 reviews (H's short-break
    # review excluded); 5 children -> 2.0 reviews per child.
    assert compute("IR-04", _data(), as_at="2019-03-31").iloc[0]["value"] == 10
    row = compute("IR-04a", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (10, 5, 2.0)


def test_ir05_caseload_is_children_in_care_over_fte_in_post() -> None:
    # In care 31/03/2019: A, C, D, E, F, G, I = 7 (H short breaks). FTE in post: R1 1.0,
    # R2 0.4 (R3 left 28/02/2019, R4 starts 01/04/2019) -> 1.4; 7 / 1.4 = 5.0.
    data = _data(iro_staff="""
        IRO_ID FTE START      END
        R1     1.0 01/01/2015 -
        R2     0.4 01/06/2018 31/03/2019
        R3     1.0 01/01/2015 28/02/2019
        R4     1.0 01/04/2019 -
    """)
    row = compute("IR-05", data, as_at="2019-03-31").iloc[0]
    assert row["numerator"] == 7
    assert row["denominator"] == pytest.approx(1.4)
    assert row["value"] == pytest.approx(5.0)


def test_ir05_without_staff_extract_is_not_available() -> None:
    row = compute("IR-05", _data(), as_at="2019-03-31").iloc[0]
    assert not row["available"]
    assert "iro_staff" in row["note"]


def test_ir06_same_iro_for_the_last_12_months() -> None:
    # As at 31/03/2019, in care continuously 18+ months (start on or before 30/09/2017):
    # K, L, M, N. (O started 01/01/2018: 15 months, excluded.)
    # K: one allocation since 2016                                     -> same IRO
    # L: R1 to 31/10/2018 then R1 again from 01/11/2018 (no gap)        -> same IRO
    # M: R1 then R2 from 01/09/2018                                    -> changed
    # N: R1 from 01/04/2018 (exactly 12 months back: 31/03/2019 - 1 year + 1 day) -> same
    # -> 3/4.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        K     01/01/2016 S   C2 U4    -   -
        L     01/01/2016 S   C2 U4    -   -
        M     01/01/2016 S   C2 U4    -   -
        N     30/09/2017 S   C2 U4    -   -
        O     01/01/2018 S   C2 U4    -   -
    """, iro_allocations="""
        CHILD IRO_ID START      END
        K     R1     01/02/2016 -
        L     R1     01/02/2016 31/10/2018
        L     R1     01/11/2018 -
        M     R1     01/02/2016 31/08/2018
        M     R2     01/09/2018 -
        N     R1     01/04/2018 -
        O     R1     01/01/2018 -
    """)
    row = compute("IR-06", data, as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 4)


ESCALATIONS = """
DR_ID CHILD DATE_RAISED STAGE CATEGORY  DATE_RESOLVED
1     A     10/04/2018  DR1   Plan      20/04/2018
2     C     01/06/2018  DR1   Plan      -
3     D     01/07/2018  DR2   Contact   31/07/2018
4     E     01/03/2018  DR1   Plan      10/04/2018
5     G     15/03/2019  DR1   Contact   01/04/2019
"""


def test_ir07_escalations_by_stage_and_category() -> None:
    # Raised in FY 2018/19: 1 (DR1 Plan), 2 (DR1 Plan), 3 (DR2 Contact), 5 (DR1 Contact);
    # 4 was raised in 2017/18. -> DR1/Plan 2, DR1/Contact 1, DR2/Contact 1, of 4.
    got = compute("IR-07", _data(iro_escalations=ESCALATIONS), as_at="2019-03-31")
    counts = {(r.stage, r.category): r.count for r in got.itertuples()}
    assert counts == {("DR1", "Plan"): 2, ("DR1", "Contact"): 1, ("DR2", "Contact"): 1}
    assert got["denominator"].unique().tolist() == [4]


def test_ir07a_mean_days_to_resolve() -> None:
    # Raised in FY 2018/19 and resolved by 31/03/2019: 1 (10 days), 3 (30 days); 2 open,
    # 5 resolved after the date. Mean (10 + 30) / 2 = 20.
    row = compute("IR-07a", _data(iro_escalations=ESCALATIONS), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (40, 2, 20.0)


QA = """
CHILD DATE       GRADE
A     01/04/2018 GOOD
C     15/06/2018 OUTSTANDING
D     01/09/2018 RI
E     01/12/2018 INADEQUATE
G     31/03/2019 GOOD
I     31/03/2018 GOOD
"""


def test_ir08_care_plans_good_or_better() -> None:
    # Window 01/04/2018-31/03/2019: A GOOD, C OUTSTANDING, D RI, E INADEQUATE, G GOOD
    # (I's audit on 31/03/2018 is before the window). Good or better 3/5 = 60%.
    row = compute("IR-08", _data(care_plan_qa=QA), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 5)
    assert row["value"] == pytest.approx(60.0)


def test_ir08a_grades_table() -> None:
    got = compute("IR-08a", _data(care_plan_qa=QA), as_at="2019-03-31").set_index("grade")
    assert got["count"].to_dict() == {"OUTSTANDING": 1, "GOOD": 2, "RI": 1, "INADEQUATE": 1}
    assert got.loc["GOOD", "value"] == pytest.approx(40.0)


def test_ir01_reviews_before_the_first_loaded_year_are_not_judged() -> None:
    # Only collection year 2019 is loaded: review data start 01/04/2018.
    # T: in care since 01/01/2015. Its first review seen, 15/06/2018, is not judged (the
    #    earlier ones are unknown) and counts as a later review: next due 15/12/2018; held
    #    10/12/2018 -> next due 10/06/2019. In time on 31/03/2019.
    # U: in care since 01/01/2015, no review seen: treated as due 6 months after the data
    #    start, 01/10/2018. In time on 30/09/2018, overdue on 31/03/2019.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        T     01/01/2015 S   C2 U4    -   -
        U     01/01/2015 S   C2 U4    -   -
    """, reviews="""
        CHILD REVIEW     REVIEW_CODE
        T     15/06/2018 PN1
        T     10/12/2018 PN1
    """)
    data.years = [2019]
    got = series("IR-01", data, "2018-09-30", "2019-03-31", freq="Q").set_index("date")
    assert tuple(got.loc["2018-09-30", ["numerator", "denominator"]]) == (2, 2)
    assert tuple(got.loc["2019-03-31", ["numerator", "denominator"]]) == (1, 2)


def test_ir01_and_iha_ignore_a_period_the_data_join_part_way_through() -> None:
    # A has been in care since before the data: the first loaded episode (2017 return) is a
    # placement move (RNE P) on Mon 21/03/2016, not a start. Its earlier reviews are
    # unknown, so the first review is not due 20 working days after 21/03/2016; the next is
    # taken as due 6 months after it (21/09/2016). Reviews held 14/07/2016 and 10/01/2017
    # (6-monthly after 14/07/2016 = 14/01/2017) are on time:
    #   30/04/2016: nothing due yet -> 0/0; 30/09/2016 and 31/03/2017 -> 1/1.
    # Nor is A an IHA starter: HE-02 has no one in its cohort.
    from cases import care_data

    from cpanalytics.measures.indicators import compute

    data = care_data(
        """
        CHILD DECOM      RNE LS PLACE DEC REC
        A     21/03/2016 P   C2 U4    -   -
        """,
        reviews="""
        CHILD REVIEW     REVIEW_CODE
        A     14/07/2016 PN1
        A     10/01/2017 PN1
        """,
        health_assessments="""
        CHILD TYPE DATE_REQUESTED DATE_COMPLETED PROVIDER DELAY_REASON BREACH_BY
        Z     IHA  01/01/2016     01/01/2016     -        -            -
        """,
    )
    data.years = [2017]
    got = {as_at: tuple(compute("IR-01", data, as_at).iloc[0][["numerator", "denominator"]])
           for as_at in ("2016-04-30", "2016-09-30", "2017-03-31")}
    assert got == {"2016-04-30": (0, 0), "2016-09-30": (1, 1), "2017-03-31": (1, 1)}
    assert compute("HE-02", data, "2017-03-31").iloc[0]["denominator"] == 0
