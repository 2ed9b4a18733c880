"""UA-* on hand-built cases; expected values worked out by hand from indicators.md."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from cases import care_data

from cpanalytics.measures.indicators import compute
from cpanalytics.measures.indicators.engine import compute_at, context
from cpanalytics.measures.indicators.registry import REGISTRY
from cpanalytics.measures.indicators.uasc import nts_rate

# In care on 31/03/2019: A (UASC, DUC blank), B (UASC, DUC 01/06/2019, still UASC),
# C (DUC 31/03/2019: status ceases on the date itself, so not UASC), D (citizen).
# K arrives 15/05/2018 as UASC; L arrives 10/01/2019 as UASC; M arrived 01/03/2018
# (before the 12-month window); N is a citizen starter.
EPISODES = """
CHILD DECOM      RNE LS PLACE DEC REC
A     01/01/2018 S   V2 U4    -   -
B     01/01/2018 S   V2 U4    -   -
C     01/01/2018 S   V2 U4    -   -
D     01/01/2018 S   C2 U4    -   -
K     15/05/2018 S   V2 R1    -   -
L     10/01/2019 S   V2 R1    -   -
M     01/03/2018 S   V2 R1    -   -
N     01/06/2018 S   C2 U4    -   -
"""
HEADER = """
CHILD SEX DOB        ETHNIC
A     1   01/06/2003 AOTH
B     1   01/06/2003 AOTH
C     1   01/06/2003 AOTH
D     2   01/06/2010 WBRI
K     2   10/01/2002 BAFR
L     1   01/02/2003 AOTH
M     1   01/02/2003 AOTH
N     1   01/02/2010 WBRI
"""
UASC = """
CHILD DUC
A     -
B     01/06/2019
C     31/03/2019
K     -
L     -
M     -
"""
NATIONALITY = """
CHILD NATIONALITY
A     AFGHANISTAN
B     eritrea
K     Eritrea
L     -
"""


def _data(**others: str):
    return care_data(EPISODES, header=HEADER, uasc=UASC, **others)


def test_ua01_uasc_share_and_duc_on_the_date() -> None:
    # In care: A, B, C, D, K, L, M, N = 8; UASC on the date: A, B, K, L, M = 5 (C's status
    # ceased on 31/03/2019) -> 5 / 8 = 62.5%.
    row = compute("UA-01", _data(), as_at="2019-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (5, 8)
    assert row["value"] == pytest.approx(62.5)
    # The day before, C is still UASC: 6 / 8.
    assert compute("UA-01", _data(), as_at="2019-03-30").iloc[0]["numerator"] == 6


def test_ua02_arrivals_by_month_quarter_age_and_sex() -> None:
    result = compute("UA-02", _data(), as_at="2019-03-31")
    got = {(r.month, r.quarter, r.age_at_arrival, r.sex): r.count for r in result.itertuples()}
    # Window 01/04/2018-31/03/2019: K (May 2018, aged 16: born 10/01/2002, female) and
    # L (January 2019, aged 15: born 01/02/2003, birthday not yet reached, male).
    assert got == {("2018-05", "2018-19 Q1", 16, "Female"): 1,
                   ("2019-01", "2018-19 Q4", 15, "Male"): 1}


def test_ua02_calendar_year_at_31_december() -> None:
    # Window 01/01/2018-31/12/2018: A, B, C (01/01/2018, UASC then), M (01/03/2018) and
    # K (15/05/2018) = 5; in January 2018, 3.
    result = compute("UA-02", _data(), as_at="2018-12-31")
    assert result["count"].sum() == 5
    assert result.groupby("month")["count"].sum()["2018-01"] == 3


def test_ua03_nationality_of_uasc_in_care_and_of_arrivals() -> None:
    data = _data(child_attributes=NATIONALITY)
    in_care = compute("UA-03", data, as_at="2019-03-31").set_index("nationality")["count"]
    # UASC in care: A Afghanistan, B Eritrea, K Eritrea, L blank, M not in the extract.
    assert in_care.to_dict() == {"Afghanistan": 1, "Eritrea": 2, "Not recorded": 2}
    arrivals = compute("UA-03A", data, as_at="2019-03-31").set_index("nationality")["count"]
    # Arrivals K (Eritrea) and L (not recorded).
    assert arrivals.to_dict() == {"Eritrea": 1, "Not recorded": 1}


def test_ua03_not_available_without_child_attributes() -> None:
    assert not compute("UA-03", _data(), as_at="2019-03-31").iloc[0]["available"]


def test_ua04_against_the_nts_threshold() -> None:
    data = _data(population="YEAR AGE_0_17\n2019 10000")
    # 31/03/2019: threshold 0.07% of 10,000 = 7; UASC 5 -> 5 / 7 = 71.4% of the threshold.
    row = compute("UA-04", data, as_at="2019-03-31").iloc[0]
    assert row["numerator"] == 5
    assert row["denominator"] == pytest.approx(7.0)
    assert row["value"] == pytest.approx(500 / 7)
    # 31/03/2022: still 0.07% (0.1% from 24 August 2022) -> threshold 7; UASC on the date:
    # A, K, L, M (B's DUC passed) -> 4 / 7.
    row = compute("UA-04", data, as_at="2022-03-31").iloc[0]
    assert (row["numerator"], row["denominator"]) == (4, pytest.approx(7.0))


def test_nts_rate_by_date() -> None:
    table = {pd.Timestamp("2016-07-01"): 0.0007, pd.Timestamp("2021-12-14"): 0.001}
    dates = pd.Series(pd.to_datetime(["2015-01-01", "2016-06-30", "2016-07-01", "2021-12-13",
                                      "2021-12-14"]))
    # No threshold before the scheme began (1 July 2016); the new rate from its start date.
    rates = nts_rate(dates, table)
    assert rates.isna().tolist() == [True, True, False, False, False]
    assert rates[2:].tolist() == [0.0007, 0.0007, 0.001]


# UA-04 over the scheme's start. Home Office, National Transfer Scheme protocol: the
# scheme (and its 0.07% of the child population) began on 1 July 2016; population from
# ONS mid-year estimates. A and B are UASC in care throughout; population.csv has the
# 2016 and 2018 estimates only.
NTS_EPISODES = """
CHILD DECOM      RNE LS PLACE DEC REC
A     01/01/2015 S   V2 U4    -   -
B     01/01/2015 S   V2 U4    -   -
"""
NTS_HEADER = """
CHILD SEX DOB        ETHNIC
A     1   01/06/2003 AOTH
B     1   01/06/2003 AOTH
"""
NTS_UASC = """
CHILD DUC
A     -
B     -
"""


def test_ua04_has_no_threshold_before_the_scheme_and_no_later_population() -> None:
    data = care_data(NTS_EPISODES, header=NTS_HEADER, uasc=NTS_UASC,
                     population="YEAR AGE_0_17\n2016 10000\n2018 20000")
    # 30/06/2016: the scheme has not started -> no threshold, no value (2 UASC still counted).
    row = compute("UA-04", data, as_at="2016-06-30").iloc[0]
    assert row["numerator"] == 2 and pd.isna(row["value"])
    # 31/12/2015: before the scheme and before the first estimate (2016): no value. The
    # 2016 estimate is never used for 2015.
    assert pd.isna(compute("UA-04", data, as_at="2015-12-31").iloc[0]["value"])
    # 01/07/2016: 0.07% x 10,000 (2016 estimate) = 7 -> 2 / 7 = 28.6%.
    row = compute("UA-04", data, as_at="2016-07-01").iloc[0]
    assert row["denominator"] == pytest.approx(7.0)
    assert row["value"] == pytest.approx(200 / 7)
    # 31/12/2017: no 2017 estimate -> the latest earlier one (2016), not 2018: 7 again.
    assert compute("UA-04", data, as_at="2017-12-31").iloc[0]["denominator"] == pytest.approx(7.0)
    # 31/03/2018: the 2018 estimate, 0.07% x 20,000 = 14 -> 14.3%.
    assert compute("UA-04", data, as_at="2018-03-31").iloc[0]["denominator"] == pytest.approx(14.0)


def test_ua04_takes_each_dates_rate_from_its_own_reporting_year(tmp_path) -> None:
    # config/targets-2018.yaml (2017/18) sets 0.1%; other years keep the packaged 0.07%. A
    # series to 2018/19 must not apply the 2018/19 configuration to 2017/18 dates or back.
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "targets-2018.yaml").write_text("nts_threshold:\n  2016-07-01: 0.001\n")
    data = replace(care_data(NTS_EPISODES, header=NTS_HEADER, uasc=NTS_UASC,
                             population="YEAR AGE_0_17\n2016 10000"), root=tmp_path)
    got = compute_at("UA-04", data, ["2017-03-31", "2018-03-31", "2019-03-31"])
    # 0.07% x 10,000 = 7; 2017/18: 0.1% x 10,000 = 10; 2018/19: 7 again.
    assert got["denominator"].tolist() == pytest.approx([7.0, 10.0, 7.0])


# Care leavers: O, UASC until its 18th birthday 01/06/2017, left care that day;
# P2 former UASC who left in 2011 and is 26 on 31/03/2019; Q2 left care aged 14;
# R2 a citizen leaver aged 19; S2 UASC turning 18 on 01/10/2018 in care, leaving that day;
# T2 former UASC, left at 18 in 2015, aged 22 on 31/03/2019.
LEAVERS = """
CHILD DECOM      RNE LS PLACE DEC        REC
O     01/01/2016 S   V2 P2    01/06/2017 E8
P2    01/01/2010 S   V2 P2    01/01/2011 E8
Q2    01/01/2016 S   V2 U4    01/01/2017 E13
R2    01/01/2016 S   C2 U4    01/06/2017 E5
S2    01/01/2017 S   V2 P2    01/10/2018 E8
T2    01/01/2014 S   V2 P2    01/01/2015 E8
"""
LEAVERS_HEADER = """
CHILD SEX DOB        ETHNIC
O     1   01/06/1999 AOTH
P2    1   01/01/1993 AOTH
Q2    1   01/01/2003 AOTH
R2    1   01/01/2000 WBRI
S2    1   01/10/2000 AOTH
T2    1   01/01/1997 AOTH
"""
LEAVERS_UASC = """
CHILD DUC
O     01/06/2017
P2    01/01/2011
Q2    -
S2    01/10/2018
T2    01/01/2015
"""


def test_ua05_uasc_care_leavers_aged_18_to_21() -> None:
    data = care_data(LEAVERS, header=LEAVERS_HEADER, uasc=LEAVERS_UASC)
    # 31/03/2019: O (19, left at 18) and S2 (18, left 01/10/2018) -> 2. T2 is 22, P2 26,
    # Q2 left aged 14, R2 was never UASC.
    assert compute("UA-05", data, as_at="2019-03-31").iloc[0]["value"] == 2
    # 31/03/2018: S2 still in care -> O and T2 (21 until 01/01/2019) -> 2.
    assert compute("UA-05", data, as_at="2018-03-31").iloc[0]["value"] == 2
    # 31/12/2018: T2 is still 21 (22nd birthday the next day) -> O, S2, T2 = 3.
    assert compute("UA-05", data, as_at="2018-12-31").iloc[0]["value"] == 3


def test_ua05t_uasc_turning_18_in_care_in_the_year() -> None:
    data = care_data(LEAVERS, header=LEAVERS_HEADER, uasc=LEAVERS_UASC)
    # 2018/19: S2 turned 18 on 01/10/2018 while in care -> 1. 2017/18: O on 01/06/2017 -> 1.
    assert compute("UA-05T", data, as_at="2019-03-31").iloc[0]["value"] == 1
    assert compute("UA-05T", data, as_at="2018-03-31").iloc[0]["value"] == 1
    # 2018/19 as at 30/09/2018: S2's birthday not reached -> 0.
    assert compute("UA-05T", data, as_at="2018-09-30").iloc[0]["value"] == 0


# UA-05 under the DfE care-leaver definition (Children Act 1989 sch. 2 para 19B; Care
# Leavers (England) Regulations 2010, reg. 3; SSDA903 guidance, OC3 "eligible, relevant and
# former relevant"): looked after for 13 weeks (91 days) in all after the 14th birthday,
# ending at 16 or over. All four were UASC, born 01/01/2000 (14 on 01/01/2014, 16 on
# 01/01/2016), and are 19 on 31/03/2019.
#   U3: one period 01/11/2016-01/01/2017 = 61 days, left at 16: under 13 weeks -> not a leaver.
#   V3: 01/01/2014-01/03/2014 (59 days) + 01/11/2016-01/01/2017 (61) = 120 days -> leaver.
#   W3: 01/06/2013-01/02/2016, of which 01/01/2014-01/02/2016 = 761 days after 14, left at
#       16 -> leaver (the months before the 14th birthday do not count, and are not needed).
#   X3: 01/01/2014-01/12/2015 (699 days) but left at 15 -> not a leaver.
DFE_LEAVERS = """
CHILD DECOM      RNE LS PLACE DEC        REC
U3    01/11/2016 S   V2 P2    01/01/2017 E8
V3    01/01/2014 S   V2 U4    01/03/2014 E13
V3    01/11/2016 S   V2 P2    01/01/2017 E8
W3    01/06/2013 S   V2 U4    01/02/2016 E8
X3    01/01/2014 S   V2 U4    01/12/2015 E13
"""
DFE_LEAVERS_HEADER = """
CHILD SEX DOB        ETHNIC
U3    1   01/01/2000 AOTH
V3    1   01/01/2000 AOTH
W3    1   01/01/2000 AOTH
X3    1   01/01/2000 AOTH
"""
DFE_LEAVERS_UASC = """
CHILD DUC
U3    01/01/2018
V3    01/01/2018
W3    01/01/2018
X3    01/01/2018
"""


def test_ua05_uses_the_dfe_care_leaver_definition() -> None:
    data = care_data(DFE_LEAVERS, header=DFE_LEAVERS_HEADER, uasc=DFE_LEAVERS_UASC)
    units = REGISTRY["UA-05"].func(context(data), pd.DatetimeIndex(["2019-03-31"]))
    assert sorted(units["CHILD"]) == ["V3", "W3"]
    assert compute("UA-05", data, as_at="2019-03-31").iloc[0]["value"] == 2
    # 31/12/2017: all are 17, not yet former relevant children (18 to 21) -> 0.
    assert compute("UA-05", data, as_at="2017-12-31").iloc[0]["value"] == 0
