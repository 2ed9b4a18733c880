"""Stitching several returns into one history (data contract, "Multi-year history")."""

from __future__ import annotations

import pandas as pd
from builders import small_year, write_year

from cpanalytics.data.loading import load_data
from cpanalytics.data.stitching import stitch, stitch_episodes

D = pd.Timestamp


def episodes(*rows: tuple) -> pd.DataFrame:
    """Rows of (CHILD, DECOM, RNE, DEC, REC, YEAR); dates dd/mm/YYYY or None."""
    frame = pd.DataFrame(rows, columns=["CHILD", "DECOM", "RNE", "DEC", "REC", "YEAR"])
    for column in ("DECOM", "DEC"):
        frame[column] = pd.to_datetime(frame[column], format="%d/%m/%Y")
    frame["SRC_ROW"] = range(2, len(frame) + 2)
    return frame


def summary(frame: pd.DataFrame) -> list[tuple]:
    """(CHILD, DECOM, DEC, REC, YEAR, STITCH_RULE) per row, NaT/NaN as None."""
    out = frame[["CHILD", "DECOM", "DEC", "REC", "YEAR", "STITCH_RULE"]].astype(object)
    return [tuple(None if pd.isna(v) else v for v in row) for row in out.itertuples(index=False)]


def test_single_return_is_kept_as_is():
    eps = episodes(("A", "01/01/2018", "S", None, None, 2018),
                   ("B", "01/02/2018", "S", "01/03/2018", "E13", 2018))
    assert summary(stitch_episodes(eps)) == [
        ("A", D("2018-01-01"), None, None, 2018, "kept"),
        ("B", D("2018-02-01"), D("2018-03-01"), "E13", 2018, "kept"),
    ]


def test_latest_return_wins_on_child_and_decom():
    # A's episode is open in the 2018 return and closed (01/06/2018, E13) in the 2019 return
    eps = episodes(("A", "01/01/2018", "S", None, None, 2018),
                   ("A", "01/01/2018", "S", "01/06/2018", "E13", 2019))
    assert summary(stitch_episodes(eps)) == [
        ("A", D("2018-01-01"), D("2018-06-01"), "E13", 2019, "latest_return_wins"),
    ]


def test_open_episode_closed_by_next_years_episode():
    # 2018 return: A open from 01/01/2018. 2019 return: A's next episode (placement change, P)
    # starts 01/05/2018 and the 2018 episode is not repeated, so it ends 01/05/2018 with X1.
    # B's next episode starts a new period (RNE S), so B's REC stays blank.
    eps = episodes(("A", "01/01/2018", "S", None, None, 2018),
                   ("A", "01/05/2018", "P", None, None, 2019),
                   ("B", "01/02/2018", "S", None, None, 2018),
                   ("B", "01/09/2018", "S", None, None, 2019))
    assert summary(stitch_episodes(eps)) == [
        ("A", D("2018-01-01"), D("2018-05-01"), "X1", 2018, "closed_by_later_return"),
        ("A", D("2018-05-01"), None, None, 2019, "kept"),
        ("B", D("2018-02-01"), D("2018-09-01"), None, 2018, "closed_by_later_return"),
        ("B", D("2018-09-01"), None, None, 2019, "kept"),
    ]


def test_open_episode_of_child_absent_from_later_returns_closes_at_year_end():
    # A is open at 31/03/2018 but not in the 2019 return, so was not looked after in
    # 2018-19: the episode is closed on 01/04/2018 (keeping A in the 31 March 2018 count).
    eps = episodes(("A", "01/01/2018", "S", None, None, 2018),
                   ("B", "01/02/2019", "S", None, None, 2019))
    assert summary(stitch_episodes(eps)) == [
        ("A", D("2018-01-01"), D("2018-04-01"), None, 2018, "closed_at_year_end"),
        ("B", D("2019-02-01"), None, None, 2019, "kept"),
    ]


def test_overlap_between_returns_trimmed_to_next_decom():
    # 2018 return: A 01/01/2018 to 20/03/2018. 2019 return back-dates the next episode to
    # 10/03/2018, so the first episode is trimmed to end 10/03/2018 (10 days shorter).
    eps = episodes(("A", "01/01/2018", "S", "20/03/2018", "X1", 2018),
                   ("A", "10/03/2018", "P", None, None, 2019))
    assert summary(stitch_episodes(eps)) == [
        ("A", D("2018-01-01"), D("2018-03-10"), "X1", 2018, "trimmed_overlap"),
        ("A", D("2018-03-10"), None, None, 2019, "kept"),
    ]


def test_problems_within_one_return_are_left_for_validation():
    # Overlap and open-not-last inside the 2019 return: stitching changes nothing.
    eps = episodes(("A", "01/01/2019", "S", "20/03/2019", "X1", 2019),
                   ("A", "10/03/2019", "P", None, None, 2019),
                   ("B", "01/01/2019", "S", None, None, 2019),
                   ("B", "01/02/2019", "P", None, None, 2019))
    out = stitch_episodes(eps)
    assert out["STITCH_RULE"].tolist() == ["kept"] * 4
    assert out["DEC"].tolist()[0] == D("2019-03-20")
    assert out["DEC"].isna().tolist() == [False, True, True, True]


def test_other_tables_latest_return_per_key():
    header = pd.DataFrame({"CHILD": ["A", "A", "B", "B"], "SEX": ["1", "2", "1", "1"],
                           "YEAR": [2018, 2019, 2019, 2019]})
    reviews = pd.DataFrame({"CHILD": ["A", "A", "A"], "YEAR": [2018, 2019, 2019],
                            "REVIEW": pd.to_datetime(["2018-03-01", "2018-03-01", "2018-09-01"]),
                            "REVIEW_CODE": ["PN0", "PN1", "PN1"]})
    oc2 = pd.DataFrame({"CHILD": ["A", "A"], "YEAR": [2018, 2019], "SDQ_SCORE": [10, 12]})
    out = stitch({"header": header, "reviews": reviews, "oc2": oc2})
    # A: the 2019 header wins (SEX 2); B's two 2019 rows both stay (validation reports V217)
    assert out["header"][["CHILD", "SEX", "YEAR"]].values.tolist() == [
        ["A", "2", 2019], ["B", "1", 2019], ["B", "1", 2019]]
    # the review of 01/03/2018 is in both returns: the 2019 copy (PN1) wins
    assert out["reviews"]["REVIEW_CODE"].tolist() == ["PN1", "PN1"]
    # oc2 is an annual measurement: every year kept
    assert out["oc2"]["SDQ_SCORE"].tolist() == [10, 12]


def test_load_data_stitches_returns(tmp_path):
    # small_year(Y): child 001 open from 01/01/(Y-1); child 002 from 01/05/(Y-1) to 01/02/Y.
    write_year(tmp_path, 2019, small_year(2019))
    write_year(tmp_path, 2020, small_year(2020))
    eps = load_data(tmp_path).episodes
    assert summary(eps) == [
        ("001", D("2018-01-01"), D("2019-01-01"), None, 2019, "closed_by_later_return"),
        ("001", D("2019-01-01"), None, None, 2020, "kept"),
        ("002", D("2018-05-01"), D("2019-02-01"), "E13", 2019, "kept"),
        ("002", D("2019-05-01"), D("2020-02-01"), "E13", 2020, "kept"),
    ]
