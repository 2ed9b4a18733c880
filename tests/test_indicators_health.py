"""HE-* on hand-built cases; expected values worked out by hand from indicators.md.

Bank holidays used: 02/04/2018, 07/05/2018, 28/05/2018, 25-26/12/2018, 01/01/2019.
"""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute

# Request due 5 working days (wd) and IHA due 20 wd after the period starts.
# A: Mon 04/03/2019. Request due 05-08/03, 11/03 -> 11/03/2019; IHA due 05-08/03 (4),
#    11-15 (9), 18-22 (14), 25-29 (19), 01/04 (20) -> 01/04/2019 (after the window).
# B: Mon 03/12/2018. Request due 04-07/12, 10/12 -> 10/12/2018; IHA due (25, 26/12 and
#    01/01 bank holidays) -> 03/01/2019.
# C: Fri 01/06/2018, UASC until DUC 01/01/2019. Request due 04-08/06 -> 08/06/2018; IHA due
#    04-08/06 (5), 11-15 (10), 18-22 (15), 25-29 (20) -> 29/06/2018.
# D: Tue 01/05/2018. Request due 02-04/05, [07/05 BH] 08, 09/05 -> 09/05/2018; IHA due
#    31/05/2018 (07/05 and 28/05 bank holidays). No IHA record at all.
# E: enters care on 31/03/2019: request due 05/04/2019, after the window.
# F: short breaks only (LS V3): excluded.
# G: Mon 02/07/2018 in a temporary placement (T1), then moves. Request due 03-06/07, 09/07 ->
#    09/07/2018; IHA due 30/07/2018.
# H: period 1 Tue 02/01/2018 - 01/03/2018 (IHA due 30/01/2018; no IHA record of its own);
#    period 2 Mon 01/10/2018: request due 02-05/10, 08/10 -> 08/10/2018; IHA due 02-05/10
#    (4), 8-12 (9), 15-19 (14), 22-26 (19), 29/10 (20) -> 29/10/2018.
EPISODES = """
CHILD DECOM      RNE LS PLACE DEC        REC
A     04/03/2019 S   V2 U4    -          -
B     03/12/2018 S   C2 U4    -          -
C     01/06/2018 S   V2 U4    -          -
D     01/05/2018 S   C2 U4    -          -
E     31/03/2019 S   V2 U4    -          -
F     01/06/2018 S   V3 U4    -          -
G     02/07/2018 S   C1 T1    09/07/2018 X1
G     09/07/2018 P   C1 U4    -          -
H     02/01/2018 S   V2 U4    01/03/2018 E13
H     01/10/2018 S   V2 U4    -          -
"""
HEADER = """
CHILD SEX DOB        ETHNIC
A     1   01/01/2010 WBRI
B     2   01/01/2010 WBRI
C     1   01/01/2002 OOTH
D     2   01/01/2010 WBRI
E     1   01/01/2010 WBRI
F     1   01/01/2010 WBRI
G     2   01/01/2010 WBRI
H     1   01/01/2010 WBRI
"""
ASSESSMENTS = """
CHILD TYPE DATE_REQUESTED DATE_COMPLETED PROVIDER DELAY_REASON BREACH_BY
A     IHA  11/03/2019     25/03/2019     KCHFT    -            -
B     IHA  12/12/2018     03/01/2019     KCHFT    -            -
C     IHA  05/06/2018     10/07/2018     EKHUFT   Capacity     HEALTH
F     IHA  05/06/2018     20/06/2018     KCHFT    -            -
G     IHA  09/07/2018     31/07/2018     KCHFT    Late_request LA
H     IHA  15/10/2018     26/10/2018     KCHFT    -            -
"""
UASC = """
CHILD SEX DOB        DUC
C     1   01/01/2002 01/01/2019
"""


def _data():
    return care_data(EPISODES, header=HEADER, uasc=UASC, health_assessments=ASSESSMENTS)


def test_he01_requests_within_5_working_days() -> None:
    # Request due in 01/04/2018-31/03/2019: A, B, C, D, G, H(period 2) = 6 (E, H period 1 out).
    # On time: A (11/03 on the due date), C (05/06), G (09/07 on the due date) = 3.
    # B requested 12/12 > 10/12, D never, H 15/10 > 08/10. -> 3/6 = 50%.
    row = compute("HE-01", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (3, 6)
    assert row["value"] == pytest.approx(50.0)


def test_he02_iha_within_20_working_days() -> None:
    # IHA due in the window: B, C, D, G, H(2) = 5 (A due 01/04/2019 is after it).
    # In time: B (03/01 on the due date), H (26/10 <= 29/10) = 2. C 10/07 > 29/06, D none,
    # G 31/07 > 30/07. -> 2/5 = 40%.
    row = compute("HE-02", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (2, 5)
    assert row["value"] == pytest.approx(40.0)


def test_he02_uasc_split_uses_status_at_entry() -> None:
    # C was UASC when care started (01/06/2018 < DUC 01/01/2019), though not on 31/03/2019.
    # UASC 0/1; citizen B, D, G, H -> 2/4.
    got = compute("HE-02", _data(), as_at="2019-03-31", by="uasc").set_index("uasc")
    assert tuple(got.loc["UASC", ["numerator", "denominator"]]) == (0, 1)
    assert tuple(got.loc["Citizen", ["numerator", "denominator"]]) == (2, 4)


def test_he02_record_of_a_later_period_is_not_matched_to_an_earlier_one() -> None:
    # Window 01/04/2017-31/03/2018: only H period 1 (due 30/01/2018). Its first IHA on or
    # after the start is the one requested 15/10/2018, after the next period started, so
    # period 1 has no IHA -> 0/1.
    row = compute("HE-02", _data(), as_at="2018-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (0, 1)


def test_he03_outcome_by_quarter_of_the_due_date() -> None:
    # FY 2018/19 (April = Q1): D 31/05 Q1 no IHA (breach, not recorded); C 29/06 Q1 breach by
    # health; G 30/07 Q2 breach by LA; H 29/10 Q3 in time; B 03/01/2019 Q4 in time.
    got = compute("HE-03", _data(), as_at="2019-03-31")
    counts = {(r.quarter, r.outcome): r.count for r in got.itertuples()}
    assert counts == {
        ("Q1", "Breach: not recorded"): 1, ("Q1", "Breach: health"): 1,
        ("Q2", "Breach: LA"): 1, ("Q3", "In time"): 1, ("Q4", "In time"): 1,
    }


def test_he03a_breaches_by_delay_reason() -> None:
    # Breaches C (Capacity), G (Late_request), D (no record: Not recorded).
    got = compute("HE-03a", _data(), as_at="2019-03-31").set_index("delay_reason")
    assert got["count"].to_dict() == {"Capacity": 1, "Late_request": 1, "Not recorded": 1}


def test_he03b_timeliness_by_age_and_legal_status_at_entry() -> None:
    # Age at entry: C born 01/01/2002 is 16 on 01/06/2018; the others, born 01/01/2010, are
    # 8. First legal status: B C2, C V2, D C2, G C1, H V2.
    got = compute("HE-03b", _data(), as_at="2019-03-31")
    counts = {(r.age_at_entry, r.legal_status_at_entry, r.timeliness): r.count
              for r in got.itertuples()}
    assert counts == {
        ("5 to 9", "Full care order", "Within timescale"): 1,       # B
        ("16 to 17", "Section 20", "Outside timescale"): 1,        # C
        ("5 to 9", "Full care order", "No date recorded"): 1,      # D
        ("5 to 9", "Interim care order", "Outside timescale"): 1,  # G
        ("5 to 9", "Section 20", "Within timescale"): 1,           # H
    }


def test_health_timeliness_needs_the_local_extract() -> None:
    data = care_data(EPISODES, header=HEADER)
    for measure in ("HE-01", "HE-02", "HE-03", "HE-04", "HE-05"):
        row = compute(measure, data, as_at="2019-03-31").iloc[0]
        assert not row["available"]


# HE-04 / HE-05 as at 31/03/2019: looked after continuously for the 12 months
# 01/04/2018-31/03/2019, i.e. in care since 01/04/2018 or earlier (DfE OC2 cohort; the DfE
# validator's CONTINUOUSLY_LOOKED_AFTER treats a start on 1 April as a full year).
# K (9): RHA 01/04/2018 (within 12 months: after 31/03/2018) yes; dental 15/03/2019 yes.
# L (9): RHA 31/03/2018, exactly 12 months back: no; dental 31/03/2018: no.
# M (3, under 5): RHA 01/11/2018, after 30/09/2018 (6 months back): yes; no dental: no.
# N (3): RHA 15/09/2018, before 30/09/2018: no; dental 01/02/2019: yes.
# O (9): in care since 01/04/2018, exactly the 12 months: in (the old rule left it out);
#    RHA 01/02/2019 yes; dental 01/02/2019 yes.
# P (9): in care since 31/03/2018 (12 months exactly); IHA completed 20/04/2018: yes; no dental.
# Q: born 15/03/2014, turned 5 on 15/03/2019, so the yearly rule: RHA 01/06/2018 yes (it
#    would fail the 6-month rule); dental 01/06/2018 yes.
# HE-04: K, M, O, P, Q = 5 of 7. HE-05: K, N, O, Q = 4 of 7.
LONG_STAY = """
CHILD DECOM      RNE LS PLACE DEC REC
K     01/01/2017 S   C2 U4    -   -
L     01/01/2017 S   C2 U4    -   -
M     01/06/2016 S   C2 U4    -   -
N     01/06/2016 S   C2 U4    -   -
O     01/04/2018 S   C2 U4    -   -
P     31/03/2018 S   C2 U4    -   -
Q     01/01/2017 S   C2 U4    -   -
"""
LONG_STAY_HEADER = """
CHILD SEX DOB        ETHNIC
K     1   01/01/2010 WBRI
L     1   01/01/2010 WBRI
M     2   01/06/2015 WBRI
N     2   01/06/2015 WBRI
O     1   01/01/2010 WBRI
P     1   01/01/2010 WBRI
Q     2   15/03/2014 WBRI
"""
LONG_STAY_ASSESSMENTS = """
CHILD TYPE   DATE_REQUESTED DATE_COMPLETED
K     RHA    -              01/04/2018
K     DENTAL -              15/03/2019
L     RHA    -              31/03/2018
L     DENTAL -              31/03/2018
M     RHA    -              01/11/2018
N     RHA    -              15/09/2018
N     DENTAL -              01/02/2019
O     RHA    -              01/02/2019
O     DENTAL -              01/02/2019
P     IHA    05/04/2018     20/04/2018
Q     RHA    -              01/06/2018
Q     DENTAL -              01/06/2018
"""


def _long_stay():
    return care_data(LONG_STAY, header=LONG_STAY_HEADER, health_assessments=LONG_STAY_ASSESSMENTS)


def test_he04_review_health_assessments_in_timescale() -> None:
    row = compute("HE-04", _long_stay(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (5, 7)


def test_he05_dental_checks_in_last_12_months() -> None:
    row = compute("HE-05", _long_stay(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (4, 7)
    assert row["value"] == pytest.approx(400 / 7)


# OC2 rows of collection year 2019 (ages at 31/03/2019): K 9, L 9, M 3, N 3, R 17, S 16
# (R and S are not in the header: their DOB comes from oc2.csv). K also has a 2018 row.
# All are looked after continuously since before 01/04/2017 (the OC2 cohort, from episodes).
OC2 = """
CHILD DOB        YEAR SDQ_SCORE HEALTH_CHECK IMMUNISATIONS TEETH_CHECK HEALTH_ASSESSMENT SUBSTANCE_MISUSE
K     01/01/2010 2018 30        -            1             1           1                 0
K     01/01/2010 2019 10        -            1             1           1                 0
L     01/01/2010 2019 20        -            0             1           1                 1
M     01/06/2015 2019 -         1            1             0           1                 0
N     01/06/2015 2019 -         0            1             1           0                 0
R     01/01/2002 2019 -         -            0             1           1                 1
S     01/01/2003 2019 -         -            1             1           1                 0
"""


OC2_EPISODES = LONG_STAY + """
R     01/01/2016 S   C2 U4    -   -
S     01/01/2016 S   C2 U4    -   -
"""


def _oc2_value(measure: str, as_at: str = "2019-03-31") -> tuple[float, float]:
    data = care_data(OC2_EPISODES, header=LONG_STAY_HEADER, oc2=OC2)
    row = compute(measure, data, as_at=as_at).iloc[0]
    return row["numerator"], row["denominator"]


def test_he06_oc2_outcomes_for_the_collection_year() -> None:
    # SDQ mean of those with a score: (10 + 20) / 2 = 15 (K's 2018 score of 30 not used).
    assert _oc2_value("HE-06") == (30, 2)
    # Health assessment: K L M R S = 5/6; immunisations: K M N S = 4/6; teeth: K L N R S = 5/6.
    assert _oc2_value("HE-06a") == (5, 6)
    assert _oc2_value("HE-06b") == (4, 6)
    assert _oc2_value("HE-06c") == (5, 6)
    # Health surveillance checks, under 5s only: M yes, N no -> 1/2.
    assert _oc2_value("HE-06d") == (1, 2)
    # SDQ completed, aged 4-16: K, L (scored), S (16, none); M, N (3) and R (17) out -> 2/3.
    assert _oc2_value("HE-06e") == (2, 3)
    # Substance misuse: L, R -> 2/6.
    assert _oc2_value("HE-06f") == (2, 6)


def test_he06_before_31_march_uses_the_previous_collection_year() -> None:
    # On 28/02/2019 the latest 31 March is 31/03/2018: collection year 2018, K only (SDQ 30).
    assert _oc2_value("HE-06", as_at="2019-02-28") == (30, 1)


def test_he06_without_oc2_rows_is_empty() -> None:
    # No OC2 return loaded: no children in the cohort, so no value (and no error).
    row = compute("HE-06a", care_data(LONG_STAY, header=LONG_STAY_HEADER), as_at="2019-03-31")
    assert row.iloc[0]["denominator"] == 0
