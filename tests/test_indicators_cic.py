"""CIC-* on hand-built cases; expected values worked out by hand from indicators.md."""

from __future__ import annotations

import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute


def _row(indicator: str, data, as_at: str, **kw) -> dict:
    return compute(indicator, data, as_at=as_at, **kw).iloc[0].to_dict()


# A, B citizens in care throughout; C is UASC until DUC 01/01/2019 (then a citizen).
POPULATION_CASE = """
CHILD DECOM      RNE LS PLACE DEC REC
A     01/01/2018 S   C2 U4    -   -
B     01/01/2018 S   C2 U4    -   -
C     01/01/2018 S   V2 U4    -   -
"""
UASC_C = """
CHILD DUC
C     01/01/2019
"""
POPULATION = """
YEAR AGE_0_17
2018 20000
2019 40000
"""


def test_cic02_rate_uses_population_of_the_year_and_uasc_on_the_date() -> None:
    data = care_data(POPULATION_CASE, uasc=UASC_C, population=POPULATION)
    # 31/12/2018: C still UASC (date < DUC) -> citizens A, B; population YEAR 2018 = 20,000.
    # 10,000 * 2 / 20,000 = 1.0
    row = _row("CIC-02", data, "2018-12-31")
    assert row["numerator"] == 2
    assert row["denominator"] == pytest.approx(20000)
    assert row["value"] == pytest.approx(1.0)
    # 31/03/2019: DUC passed, C is a citizen -> 3; YEAR 2019 = 40,000 -> 10,000*3/40,000 = 0.75
    row = _row("CIC-02", data, "2019-03-31")
    assert row["numerator"] == 3
    assert row["value"] == pytest.approx(0.75)


def test_cic02_is_not_available_without_population() -> None:
    row = _row("CIC-02", care_data(POPULATION_CASE, uasc=UASC_C), "2019-03-31")
    assert not row["available"]
    assert "population.csv" in row["note"]


# FY 2018/19 movements (window 01/04/2018 - 31/03/2019):
#   D adopted (E11) 01/06/2018; E SGO (E45) 01/07/2018; F home (E13) 01/08/2018 and
#   G home (E4A) 01/09/2018; H left at 18 to independent living (E5) 01/10/2018;
#   U, UASC up to its 18th birthday 01/10/2018, left that day with E8 -> "UASC turned 18";
#   J ceased 31/03/2018 (before the window) -> not counted;
#   K had an X1 episode end (still looked after) -> not a leaver;
#   L starts on the as-at date 31/03/2019 -> a starter; M short breaks only -> nothing.
MOVEMENT_CASE = """
CHILD DECOM      RNE LS PLACE DEC        REC
D     01/01/2017 S   E1 A4    01/06/2018 E11
E     01/01/2017 S   C2 U1    01/07/2018 E45
F     01/05/2018 S   V2 U4    01/08/2018 E13
G     01/01/2018 S   V2 U4    01/09/2018 E4A
H     01/01/2016 S   C2 U4    01/10/2018 E5
U     01/01/2017 S   V2 U4    01/10/2018 E8
J     01/01/2017 S   C2 U4    31/03/2018 E13
K     01/01/2017 S   C2 U4    01/06/2018 X1
K     01/06/2018 P   C2 U4    -          -
L     31/03/2019 S   V2 U4    -          -
M     01/06/2018 S   V3 U4    01/07/2018 E13
"""
MOVEMENT_HEADER = """
CHILD SEX DOB        ETHNIC
D     1   01/01/2015 WBRI
E     2   01/01/2012 WBRI
F     1   01/01/2010 WBRI
G     2   01/01/2010 WBRI
H     1   01/10/2000 WBRI
U     1   01/10/2000 AOTH
J     1   01/01/2010 WBRI
K     1   01/01/2010 WBRI
L     2   01/01/2010 WBRI
M     1   01/01/2010 WBRI
"""
MOVEMENT_UASC = """
CHILD DUC
U     01/10/2018
"""


def test_cic03_leavers_by_reason_in_the_financial_year() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    result = compute("CIC-03", data, as_at="2019-03-31").set_index("reason")
    # Leavers: D, E, F, G, H, U = 6 (J before the window, K still in care, M short breaks).
    assert result["count"].to_dict() == {
        "Adopted": 1, "Special guardianship order": 1,
        "Left to live with parents or relatives": 1, "Returned home to parents": 1,
        "Moved into independent living": 1,
        "UASC turned 18": 1,
    }
    assert (result["denominator"] == 6).all()
    # Returned home (E4A): 1 of 6 = 16.7%.
    assert result.loc["Returned home to parents", "value"] == pytest.approx(100 / 6)


def test_cic03_year_to_date_window_at_a_month_end() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    # 31/07/2018: window 01/04/2018-31/07/2018 -> D (01/06) and E (01/07) only.
    result = compute("CIC-03", data, as_at="2018-07-31")
    assert result["count"].sum() == 2


def test_cic03s_counts_starters_including_one_starting_on_the_date() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    # Starts in FY 2018/19: F (01/05/2018) and L (31/03/2019); K's P episode is not a
    # new period; M is short breaks only.
    assert _row("CIC-03S", data, "2019-03-31")["value"] == 2
    # By sex at the start: F is male, L female.
    by_sex = compute("CIC-03S", data, as_at="2019-03-31", by="sex").set_index("sex")["value"]
    assert by_sex.to_dict() == {"Male": 1, "Female": 1}


# N: previous period ended 01/06/2017, new start 01/05/2018 (11 months later) -> repeat.
# O: previous period ended 01/01/2016, new start 01/06/2018 (29 months) -> not a repeat.
# P: first period ever, started 01/07/2018 -> not a repeat.
# Q: previous ended exactly 24 months before the new start (01/09/2016 -> 01/09/2018) -> repeat.
# R: started 01/02/2018, before the window -> not in the cohort.
# V: a short-break period ended 01/04/2018, then a care period 01/10/2018 -> not a repeat.
REENTRY_CASE = """
CHILD DECOM      RNE LS PLACE DEC        REC
N     01/01/2017 S   V2 U4    01/06/2017 E13
N     01/05/2018 S   V2 U4    -          -
O     01/06/2015 S   V2 U4    01/01/2016 E13
O     01/06/2018 S   V2 U4    -          -
P     01/07/2018 S   V2 U4    -          -
Q     01/01/2016 S   V2 U4    01/09/2016 E13
Q     01/09/2018 S   V2 U4    -          -
R     01/02/2018 S   V2 U4    -          -
V     01/03/2018 S   V3 U4    01/04/2018 E13
V     01/10/2018 S   V2 U4    -          -
"""


def test_cic04_starts_within_24_months_of_a_previous_period() -> None:
    # Cohort (starts 01/04/2018-31/03/2019): N, O, P, Q, V = 5; repeats N, Q = 2 -> 40%.
    row = _row("CIC-04", care_data(REENTRY_CASE), "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (2, 5)
    assert row["value"] == pytest.approx(40.0)


def test_cic05_profile_sums_to_each_dimension() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    result = compute("CIC-05", data, as_at="2019-03-31")
    # In care 31/03/2019: K (male, 9, C2, foster) and L (female, 9, V2, foster): 50% each sex.
    by_sex = result.groupby("sex", observed=True)["value"].sum()
    assert by_sex.to_dict() == {"Male": 50.0, "Female": 50.0}
    assert result.groupby("legal_status", observed=True)["count"].sum().to_dict() == {
        "Full care order": 1, "Section 20": 1}
    assert set(result["age_band"]) == {"5 to 9"}
    assert set(result["placement_type"]) == {"Foster care"}


# Foster placements on 31/03/2019: W1 relative U1 with a private provider -> counts;
# W2 U4 in-house PR1 -> counts; W3 U4 private PR4 -> not; W4 residential -> not in the
# denominator; W5 UASC in U4 PR1 -> excluded. 2 / 3 = 66.7%.
FOSTER_CASE = """
CHILD DECOM      RNE LS PLACE PLACE_PROVIDER DEC REC
W1    01/01/2018 S   C2 U1    PR4            -   -
W2    01/01/2018 S   C2 U4    PR1            -   -
W3    01/01/2018 S   C2 U4    PR4            -   -
W4    01/01/2018 S   C2 R1    PR5            -   -
W5    01/01/2018 S   V2 U4    PR1            -   -
"""


def test_cic06_in_house_or_family_foster_care_excluding_uasc() -> None:
    data = care_data(FOSTER_CASE, uasc="CHILD DUC\nW5 -")
    row = _row("CIC-06", data, "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (2, 3)
    assert row["value"] == pytest.approx(200 / 3)


def test_cic09_private_and_voluntary_placements() -> None:
    # All five in care: PR4 (W1, W3) and PR5 (W4) -> 3 / 5 = 60%.
    row = _row("CIC-09", care_data(FOSTER_CASE), "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (3, 5)


# Home CT1 1AA (Canterbury, Kent: E 615886, N 158470) for everyone. Placements:
#   L1 CT1 1AB (616000, 158800): sqrt(114^2 + 330^2) = 349.1 m = 0.2 mi, in Kent
#   L2 TN23 1AA (600888, 142760): sqrt(14998^2 + 15710^2) = 21,719.8 m = 13.5 mi, in Kent
#   L3 DA1 1AA (553654, 174061): sqrt(62232^2 + 15591^2) = 64,155 m = 39.9 mi, in Kent
#   L4 ME4 4AA (575850, 167644): Medway, 25.5 mi, outside
#   L5 SE1 7PB (530625, 179850): Southwark, 54.6 mi, outside
#   L6 no PL_POST, PLACE_PROVIDER PR2 -> outside, distance unknown
#   L7 no PL_POST, PR1 -> location unknown
#   L8 UASC, SE1 7PB -> outside, 54.6 mi (excluded from CIC-07 only)
# The LA is inferred from the home postcodes: Kent (E10000016).
LOCATION_CASE = """
CHILD DECOM      RNE LS PLACE PLACE_PROVIDER HOME_POST PL_POST DEC REC
L1    01/01/2018 S   C2 U4    PR1            CT11AA    CT11AB  -   -
L2    01/01/2018 S   C2 U4    PR1            CT11AA    TN231AA -   -
L3    01/01/2018 S   C2 U4    PR1            CT11AA    DA11AA  -   -
L4    01/01/2018 S   C2 U4    PR4            CT11AA    ME44AA  -   -
L5    01/01/2018 S   C2 R1    PR4            CT11AA    SE17PB  -   -
L6    01/01/2018 S   C2 U4    PR2            CT11AA    -       -   -
L7    01/01/2018 S   C2 U4    PR1            CT11AA    -       -   -
L8    01/01/2018 S   V2 R1    PR4            CT11AA    SE17PB  -   -
"""


def test_cic07_within_20_miles_excludes_uasc_and_unknown_distances() -> None:
    data = care_data(LOCATION_CASE, uasc="CHILD DUC\nL8 -")
    # Citizens with both postcodes: L1-L5 = 5; within 20 miles: L1, L2 -> 40%.
    row = _row("CIC-07", data, "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (2, 5)


def test_cic08_outside_the_la_and_the_dfe_far_and_outside_measure() -> None:
    data = care_data(LOCATION_CASE, uasc="CHILD DUC\nL8 -")
    # Known location: L1-L6, L8 = 7; outside: L4, L5, L6 (PR2), L8 = 4 -> 57.1%.
    row = _row("CIC-08", data, "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (4, 7)
    # Both postcodes known: L1-L5, L8 = 6; outside and > 20 miles: L4, L5, L8 = 3 -> 50%.
    # L3 is 39.9 miles away but inside Kent, so it is not counted.
    row = _row("CIC-08D", data, "2019-03-31")
    assert (row["numerator"], row["denominator"]) == (3, 6)
    assert row["value"] == pytest.approx(50.0)


def test_cic03s_ignores_a_period_whose_start_is_before_the_data() -> None:
    # Y's first episode in the data is a placement change (RNE P) on 01/06/2018: the period
    # began before the earliest return, so it is not a start; Z starts (S) 01/07/2018.
    data = care_data("""
        CHILD DECOM      RNE LS PLACE DEC REC
        Y     01/06/2018 P   C2 U4    -   -
        Z     01/07/2018 S   C2 U4    -   -
    """)
    assert _row("CIC-03S", data, "2019-03-31")["value"] == 1


def test_cic05_by_one_of_its_own_dimensions_gives_shares_within_it() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    # by="sex": K is the only boy and L the only girl in care -> 100% within each sex.
    result = compute("CIC-05", data, as_at="2019-03-31", by="sex")
    assert result.set_index("sex")["value"].to_dict() == {"Male": 100.0, "Female": 100.0}


def test_cic01_child_ceasing_on_the_date_is_out_and_starting_on_it_is_in() -> None:
    data = care_data(MOVEMENT_CASE, header=MOVEMENT_HEADER, uasc=MOVEMENT_UASC)
    # 01/06/2018: D (adopted that day) and K's first episode (ended that day, the next one
    # starts it) -> D out, K in via its new episode. In: E, G, H, U, K, F (from 01/05) = 6;
    # J left 31/03/2018, L starts 2019, M is short breaks.
    assert _row("CIC-01", data, "2018-06-01")["value"] == 6
    # 31/03/2019: K and L (L started that day) -> 2.
    assert _row("CIC-01", data, "2019-03-31")["value"] == 2


def test_compute_at_gives_each_date_as_compute_does() -> None:
    from cpanalytics.measures.indicators import compute_at

    data = care_data(POPULATION_CASE, uasc=UASC_C, population=POPULATION)
    # 31/12/2018: citizens A, B (C is UASC) over 20,000 -> 1.0; 31/03/2019: A, B, C (C no
    # longer UASC) over the 2019 population 40,000 -> 0.75. Dates in any order.
    both = compute_at("CIC-02", data, ["2019-03-31", "2018-12-31"])
    assert both["date"].dt.strftime("%Y-%m-%d").tolist() == ["2018-12-31", "2019-03-31"]
    assert both["numerator"].tolist() == [2, 3]
    assert both["value"].tolist() == pytest.approx([1.0, 0.75])
    for _, row in both.iterrows():
        assert row["value"] == pytest.approx(_row("CIC-02", data, row["date"])["value"])
