"""Review due-date chains (indicators.md, "IR-01 definition"), worked by hand."""

from __future__ import annotations

import pandas as pd
from cases import care_data

from cpanalytics.measures import reviews
from cpanalytics.measures.derive import derived

DATA = care_data("""
    CHILD DECOM      RNE LS PLACE DEC        REC
    C     01/05/2018 S   C2 U4    -          -
    E     02/07/2018 S   V2 U4    -          -
    H     01/06/2018 S   V3 U4    -          -
    P     01/01/2018 S   C2 U4    01/03/2018 E13
""", reviews="""
    CHILD REVIEW     REVIEW_CODE
    C     31/05/2018 PN0
    C     31/08/2018 PN0
    C     28/02/2019 PN0
    E     06/08/2018 PN1
    E     05/11/2018 PN7
    E     05/11/2018 PN7
    H     20/06/2018 PN1
    P     20/02/2018 PN1
    P     20/04/2018 PN1
""")


def _chain() -> pd.DataFrame:
    periods = derived(DATA).periods
    return reviews.review_chain(periods, reviews.reviews_in_care(periods, DATA.reviews))


def test_reviews_in_care_keeps_reviews_inside_a_period_once() -> None:
    # C 3, E 2 (the duplicate 05/11/2018 counted once), P 1 (20/04/2018 is after P left
    # care on 01/03/2018); H is short breaks only, so has no period of care.
    periods = derived(DATA).periods
    held = reviews.reviews_in_care(periods, DATA.reviews)
    assert held.groupby("CHILD").size().to_dict() == {"C": 3, "E": 2, "P": 1}


def test_chain_uses_month_end_when_the_day_is_missing() -> None:
    # C starts Tue 01/05/2018; 20 working days after (07/05 and 28/05 bank holidays) is
    # 31/05/2018. Held 31/05 -> second due 31/08/2018 (3 months); held 31/08 -> third due
    # 31/08 + 6 months = 28/02/2019 (February has no 31st); held 28/02 -> next 28/08/2019.
    c = _chain().query("CHILD == 'C'")
    assert c["due"].dt.strftime("%d/%m/%Y").tolist() == ["31/05/2018", "31/08/2018", "28/02/2019"]
    assert c["late"].tolist() == [False, False, False]
    assert c["next_due"].iloc[-1] == pd.Timestamp("2019-08-28")


def test_late_review_restarts_the_clock() -> None:
    # E starts Mon 02/07/2018; first due 30/07/2018, held 06/08/2018 (late). The second is
    # due 3 months after it was held, 06/11/2018 (not 30/10/2018), so 05/11/2018 is on time;
    # the third is due 6 months after that, 05/05/2019.
    e = _chain().query("CHILD == 'E'")
    assert e["due"].dt.strftime("%d/%m/%Y").tolist() == ["30/07/2018", "06/11/2018"]
    assert e["late"].tolist() == [True, False]
    assert e["late_so_far"].tolist() == [True, True]
    assert e["next_due"].iloc[-1] == pd.Timestamp("2019-05-05")


def test_timeliness_on_handles_due_but_not_held() -> None:
    # C on 30/05/2018: first review due 31/05, not yet due      -> not in the denominator.
    # C on 31/03/2019: all held on time, next due 28/08/2019       -> in time.
    # E on 31/07/2018: first due 30/07, not held by the date       -> due, late.
    periods = derived(DATA).periods
    pid = periods.set_index("CHILD")["period_id"]
    units = pd.DataFrame({
        "date": pd.to_datetime(["2018-05-30", "2019-03-31", "2018-07-31"]),
        "period_id": [pid["C"], pid["C"], pid["E"]],
    })
    got = reviews.timeliness_on(units, _chain(), reviews.first_review_due(periods))
    assert got["reviews_due"].tolist() == [False, True, True]
    assert got["in_time"].tolist() == [False, True, False]
