"""Dates given by people (issue 12, "UK dates"): ISO everywhere, day/month/year read the UK
way or refused, never month first; dates outside the loaded data refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import write_small_root

from cpanalytics import load_data
from cpanalytics.data import dates
from cpanalytics.data.model import CareData
from cpanalytics.errors import UserError
from cpanalytics.measures import cohorts


@pytest.fixture
def tiny_data(tmp_path) -> CareData:
    """Collection year 2019: child 001 in care from 1 January 2018, child 002 from 1 May
    2018 to 1 February 2019 (tests/builders.py ``small_year``)."""
    return load_data(write_small_root(tmp_path))


@pytest.mark.parametrize("text", ["2024-04-01", "01/04/2024", "1/4/2024", "01.04.2024",
                                  "01-04-2024", " 2024-04-01 ", "2024-04-01 00:00:00"])
def test_iso_and_uk_forms_all_read_1_april(text: str) -> None:
    # 01/04/2024 is 1 April in the UK; pandas alone reads it as 4 January (US).
    assert dates.parse_date(text, "--as-at") == pd.Timestamp(2024, 4, 1)


def test_date_objects_pass_through() -> None:
    when = pd.Timestamp(2019, 3, 31)
    assert dates.parse_date(when) == when
    assert dates.parse_date(dt.date(2019, 3, 31)) == when
    assert dates.parse_date(when.to_datetime64()) == when


def test_a_month_first_date_is_refused_not_read_the_us_way() -> None:
    # 04/13/2024 would be 13 April in the US; day first it has month 13: refused.
    with pytest.raises(UserError) as caught:
        dates.parse_date("04/13/2024", "--as-at")
    message = str(caught.value)
    assert caught.value.code == "E304"
    assert "--as-at '04/13/2024' is not a real date (day 4, month 13)" in message
    assert "month first (US)" in message and "how to fix: write it as YYYY-MM-DD" in message


@pytest.mark.parametrize("text", ["31/02/2024", "2024-02-30", "01/04/24", "2024/04/01",
                                  "April 1 2024", "", "yesterday"])
def test_impossible_ambiguous_or_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        dates.parse_date(text, "--from")
    assert caught.value.code == "E304"
    assert str(caught.value).startswith(f"error E304: --from {text!r}")
    assert caught.value.fix


def test_coverage_runs_from_1_april_before_the_first_year_to_31_march_of_the_last() -> None:
    assert dates.coverage([2016, 2014, 2015]) == (pd.Timestamp(2013, 4, 1),
                                                  pd.Timestamp(2016, 3, 31))
    assert dates.describe_coverage([2019]) == "1 April 2018 to 31 March 2019 (collection year 2019)"


def test_dates_outside_the_years_are_refused_inside_accepted() -> None:
    years = [2018, 2019]
    for inside in ("2017-04-01", "2019-03-31"):
        dates.check_within(pd.Timestamp(inside), years, "--as-at")
    with pytest.raises(UserError) as caught:
        dates.check_within(pd.Timestamp("2019-04-01"), years, "--as-at")
    assert caught.value.code == "E307"
    assert str(caught.value).startswith(
        "error E307: --as-at 2019-04-01 is after the loaded data, which covers 1 April 2017 "
        "to 31 March 2019 (collection years 2018 to 2019)")
    with pytest.raises(UserError, match="2017-03-31 is before the loaded data"):
        dates.check_within(pd.Timestamp("2017-03-31"), years, "--as-at")


def test_a_range_the_wrong_way_round_is_refused() -> None:
    dates.check_order(pd.Timestamp("2019-03-31"), pd.Timestamp("2019-03-31"))
    with pytest.raises(UserError) as caught:
        dates.check_order(pd.Timestamp("2019-03-31"), pd.Timestamp("2018-04-30"))
    assert caught.value.code == "E308"
    assert "--from 2019-03-31 is after --to 2018-04-30" in str(caught.value)


def test_the_python_api_reads_dates_the_uk_way(tiny_data) -> None:
    from cpanalytics.measures.indicators import compute, compute_at, series

    # 01/06/2018 is 1 June 2018: both children in care (2). Read the US way it would be
    # 6 January 2018, when only child 001 was (1).
    uk = compute("CIC-01", tiny_data, as_at="01/06/2018")
    assert uk["date"].iloc[0] == pd.Timestamp(2018, 6, 1) and uk["value"].iloc[0] == 2
    assert compute("CIC-01", tiny_data, as_at="2018-06-01")["value"].iloc[0] == 2
    both = compute_at("CIC-01", tiny_data, ["01/04/2018", "2019-03-31"])
    assert list(both["date"]) == [pd.Timestamp(2018, 4, 1), pd.Timestamp(2019, 3, 31)]
    months = series("CIC-01", tiny_data, "01/01/2019", "31/03/2019")
    assert list(months["date"].dt.month) == [1, 2, 3]
    assert sorted(cohorts.children_in_care(tiny_data, "01/06/2018")["CHILD"]) == ["001", "002"]
    assert list(cohorts.starters(tiny_data, "01/05/2018", "31/05/2018")["CHILD"]) == ["002"]
    with pytest.raises(UserError, match="as_at '03/31/2019' is not a real date"):
        compute("CIC-01", tiny_data, as_at="03/31/2019")
    with pytest.raises(UserError, match="start 2019-03-31 is after end 2019-01-31"):
        series("CIC-01", tiny_data, "2019-03-31", "2019-01-31")
