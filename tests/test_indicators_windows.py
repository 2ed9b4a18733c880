"""Row selection by date (indicators/windows.py), checked against hand-worked cases."""

from __future__ import annotations

import pandas as pd
from cases import care_data

from cpanalytics.measures.derive import OPEN_END, in_care_on, interval_arrays, rows_open_on
from cpanalytics.measures.indicators import engine
from cpanalytics.measures.indicators.engine import context
from cpanalytics.measures.indicators.windows import events_in_window, in_care_periods

DATA = care_data("""
    CHILD DECOM      RNE LS PLACE DEC        REC
    A     01/01/2018 S   C2 U4    01/06/2018 X1
    A     01/06/2018 P   C2 U4    31/03/2019 E13
    B     31/03/2019 S   V2 U4    -          -
    C     01/02/2019 S   V3 U4    -          -
    D     01/05/2018 S   C2 U4    01/07/2018 E13
    D     01/09/2018 S   C2 U4    -          -
""")
DATES = pd.DatetimeIndex(["2018-06-30", "2018-08-31", "2019-03-31"])


def test_in_care_periods_matches_in_care_on() -> None:
    # 30/06/2018: A, D. 31/08/2018: A (D left 01/07, back 01/09). 31/03/2019: B (enters
    # that day), D; A's last episode ceased that day; C is short breaks only.
    got = in_care_periods(context(DATA), DATES)
    pairs = sorted(zip(got["date"].dt.strftime("%Y-%m-%d"), got["CHILD"], strict=True))
    assert pairs == [("2018-06-30", "A"), ("2018-06-30", "D"), ("2018-08-31", "A"),
                     ("2019-03-31", "B"), ("2019-03-31", "D")]
    expected = in_care_on(context(DATA).derived.episodes, DATES)
    assert sorted(zip(expected["date"], expected["CHILD"], strict=True)) == sorted(
        zip(got["date"], got["CHILD"], strict=True))


def test_events_in_window_includes_both_ends() -> None:
    # R12M ending 31/03/2019 runs 01/04/2018-31/03/2019: e2 (01/04/2018) and e3 (31/03/2019)
    # are in, e1 (31/03/2018) is out; e4 has no date. Ending 30/06/2018 (from 01/07/2017):
    # e1 and e2.
    events = pd.DataFrame({"id": ["e1", "e2", "e3", "e4"],
                           "when": pd.to_datetime(["2018-03-31", "2018-04-01", "2019-03-31",
                                                   None])})
    got = events_in_window(events, "when", pd.DatetimeIndex(["2018-06-30", "2019-03-31"]), "R12M")
    assert list(zip(got["date"].dt.strftime("%Y-%m-%d"), got["id"], strict=True)) == [
        ("2018-06-30", "e1"), ("2018-06-30", "e2"), ("2019-03-31", "e2"), ("2019-03-31", "e3")]


def test_engine_clock_counts_outermost_calls_only(monkeypatch):
    ticks = iter([100.0, 101.0, 110.0])  # outer start, inner start, outer end
    monkeypatch.setattr(engine.time, "perf_counter", lambda: next(ticks))
    monkeypatch.setitem(engine._CLOCK, "seconds", 5.0)
    with engine._clocked(), engine._clocked():
        pass
    assert engine.seconds_computing() == 15.0


def test_rows_open_on_counts_a_start_on_the_date_but_not_an_end():
    starts = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-05", "2020-01-10"]))
    ends = pd.Series(pd.to_datetime(["2020-01-05", None, "2020-01-10"]))
    start, end = interval_arrays(starts, ends)
    assert end[1] == OPEN_END  # no end yet: open
    # 5 Jan: row 0 ended that day (out), row 1 started that day (in), row 2 not yet begun.
    # 10 Jan: row 2 starts and ends that day (a zero-length interval is never open).
    rows, when = rows_open_on(start, end, pd.DatetimeIndex(["2020-01-05", "2020-01-10"]))
    assert rows.tolist() == [1, 1]
    assert pd.DatetimeIndex(when).strftime("%Y-%m-%d").tolist() == ["2020-01-05", "2020-01-10"]
    empty_rows, empty_when = rows_open_on(start, end, pd.DatetimeIndex([]))
    assert len(empty_rows) == 0 and len(empty_when) == 0
