"""Small-number suppression: primary, secondary, derived percentages, thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalytics.publish.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    SYMBOLS,
    format_number,
    format_value,
    primary_mask,
    suppress_result,
    suppress_table,
    symbols_note,
)

C = CONFIDENTIAL


def _table() -> pd.DataFrame:
    """3x3 counts with row and column totals; only r1/A (2) is below 5.

           A   B   C  Total
    r1     2   6   9    17
    r2     7  11   8    26
    r3     5  12  10    27
    Total 14  29  27    70
    """
    return pd.DataFrame(
        {"A": [2, 7, 5, 14], "B": [6, 11, 12, 29], "C": [9, 8, 10, 27], "Total": [17, 26, 27, 70]},
        index=["r1", "r2", "r3", "Total"],
    )


def _solutions(table: pd.DataFrame, shown: pd.DataFrame) -> set[tuple[int, ...]]:
    """Every non-negative integer filling of the [c] cells consistent with all published figures.

    The attacker knows every shown cell and every total; rows and columns of the 3x3
    interior must add up to their totals. Each unknown is at most its row and column total.
    """
    values = table.to_numpy()
    hidden = list(zip(*(shown.to_numpy() == C).nonzero(), strict=True))
    ranges = [np.arange(min(values[r, -1], values[-1, c]) + 1) for r, c in hidden]
    grids = np.meshgrid(*ranges, indexing="ij")
    trial = np.broadcast_to(values.astype(float), (*grids[0].shape, *values.shape)).copy()
    for (r, c), grid in zip(hidden, grids, strict=True):
        trial[..., r, c] = grid
    inner = trial[..., :-1, :-1]
    ok = (
        (inner.sum(axis=-1) == trial[..., :-1, -1]).all(axis=-1)
        & (inner.sum(axis=-2) == trial[..., -1, :-1]).all(axis=-1)
        & (trial[..., -1, :-1].sum(axis=-1) == trial[..., -1, -1])
    )
    return {tuple(int(g[idx]) for g in grids) for idx in zip(*ok.nonzero(), strict=True)}


def test_primary_suppresses_one_to_four_and_keeps_zero():
    counts = pd.DataFrame({"n": [0, 1, 4, 5, 1234]})
    assert primary_mask(counts)["n"].tolist() == [False, True, True, False, False]
    out = suppress_table(counts, ["n"])
    # No totals published: no secondary suppression; 1,234 gets a thousands separator.
    assert out["n"].tolist() == ["0", C, C, "5", "1,234"]


def test_threshold_is_configurable():
    counts = pd.DataFrame({"n": [4, 5, 9, 10]})
    # threshold 10 suppresses 1..9; threshold 5 only 1..4.
    assert suppress_table(counts, ["n"], threshold=10)["n"].tolist() == [C, C, C, "10"]
    assert suppress_table(counts, ["n"], threshold=5)["n"].tolist() == [C, "5", "9", "10"]
    assert "1 to 9" in symbols_note(10)


def test_secondary_suppression_3x3_with_totals():
    table = _table()
    out = suppress_table(table, ["A", "B", "C"], total_row="Total", total_column="Total")
    # The complements of least total count: row r1 and column A each need a second [c],
    # and the rectangle r1/B 6, r3/A 5, r3/B 12 (23 children) closes both; every other
    # choice hides more (r1/B 6 + r3/A 5 + r3/C 10 would leave column C with one [c]).
    # Now r1, r3, A and B each hold two [c]; every other line holds none.
    expected_hidden = {("r1", "A"), ("r1", "B"), ("r3", "A"), ("r3", "B")}
    hidden = {(r, c) for r in out.index for c in out.columns if out.loc[r, c] == C}
    assert hidden == expected_hidden
    assert out.loc["Total", "Total"] == "70"
    assert out.loc["r2", "B"] == "11"
    # Proof: the published table admits several fillings (r1/A = t, r1/B = 8 - t,
    # r3/A = 7 - t, r3/B = 10 + t for t = 0..7), so r1/A cannot be recovered.
    solutions = _solutions(table, out)
    assert len(solutions) == 8
    assert {s[0] for s in solutions} == set(range(8))
    # The input frame is untouched.
    assert table.loc["r1", "A"] == 2


def test_without_secondary_the_cell_is_recoverable():
    # Showing all but r1/A would let anyone compute it: 17 - 6 - 9 = 2. The attacker finds
    # exactly one filling, which is why secondary suppression is needed.
    table = _table()
    shown = table.astype(str)
    shown.loc["r1", "A"] = C
    assert _solutions(table, shown) == {(2,)}


def test_complement_prefers_closing_a_rectangle_even_through_a_total():
    #        a   b  Total
    # x      3   0     3      primary: x/a = 3 and x/Total = 3 (totals are counts too)
    # y     40   7    47
    # Total 43   7    50
    # Row x already holds two [c]. Columns a and Total each hold one: the least that
    # balances both is y/a 40 with y/Total 47 (y/b 7 would leave column b with one [c]).
    # x, y, a and Total each hold two; the zero x/b stays shown.
    table = pd.DataFrame(
        {"a": [3, 40, 43], "b": [0, 7, 7], "Total": [3, 47, 50]}, index=["x", "y", "Total"]
    )
    out = suppress_table(table, ["a", "b"], total_row="Total", total_column="Total")
    hidden = {(r, c) for r in out.index for c in out.columns if out.loc[r, c] == C}
    assert hidden == {("x", "a"), ("x", "Total"), ("y", "a"), ("y", "Total")}
    assert out.loc["x", "b"] == "0"
    # No line (row or column) holds exactly one [c], so none can be solved alone:
    assert ((out == C).sum(axis=1) != 1).all()
    assert ((out == C).sum(axis=0) != 1).all()


def test_complement_hides_the_least_never_a_large_count():
    # Issue 15, item 7. Closing rectangles first hid 97 and 9 (106 children) to protect
    # youth justice's 2 and 1; the complements of least count are Other's 10 and 16.
    table = pd.DataFrame(
        {"A": [9, 2, 10, 21], "B": [97, 1, 16, 114], "C": [26, 13, 8, 47], "D": [23, 23, 14, 60],
         "Total": [155, 39, 48, 242]},
        index=["Care order", "Youth justice", "Other", "Total"],
    )
    out = suppress_table(table, ["A", "B", "C", "D"], total_row="Total", total_column="Total")
    hidden = {(r, c) for r in out.index for c in out.columns if out.loc[r, c] == C}
    assert hidden == {("Youth justice", "A"), ("Youth justice", "B"), ("Other", "A"), ("Other", "B")}
    assert out.loc["Care order", "B"] == "97"


def test_table_1_hides_the_smallest_count_that_can_protect_youth_justice():
    # Table 1's legal status block: the published total (1,628, also the sum of every other
    # block) means one more count must go with youth justice's 2, and every other count in
    # the block is larger than placement orders' 97; so 97 is the least that can be hidden.
    block = pd.DataFrame(
        {"n": [242, 614, 97, 672, 2, 1627]},
        index=["Interim care order", "Full care order", "Placement order", "Section 20",
               "Youth justice", "Total"],
    )
    out = suppress_table(block, ["n"], total_row="Total")
    assert out.index[out["n"] == C].tolist() == ["Placement order", "Youth justice"]


def test_percentage_suppressed_with_its_count():
    table = pd.DataFrame({"group": ["boys", "girls"], "n": [3, 40], "pct": [7.0, 93.0]})
    out = suppress_table(table, ["n"], derived={"pct": ["n"]})
    # boys n=3 -> [c] and its % (3/43 = 7.0%) would reveal it -> [c]; no totals row, so
    # girls (40, 93.0) stay shown.
    assert out["n"].tolist() == [C, "40"]
    assert out["pct"].tolist() == [C, "93.0"]
    assert out["group"].tolist() == ["boys", "girls"]


def test_suppress_result_rate_and_secondary_across_groups():
    result = pd.DataFrame({
        "indicator": "PS-01",
        "sex": ["F", "M", "U"],
        "numerator": [3, 20, 9],
        "denominator": [50, 160, 30],
        "value": [6.0, 12.5, 30.0],
    })
    out = suppress_result(result, unit="%")
    # F numerator 3 < 5 -> [c]. The overall PS-01 (32/240) is published, so F's
    # numerator = 32 - 20 - 9 could be recovered: the next-smallest non-zero numerator, U=9,
    # is suppressed too. Values of both follow. Denominators 50/160/30 stay shown.
    assert out["numerator"].tolist() == [C, "20", C]
    assert out["value"].tolist() == [C, "12.5%", C]
    assert out["denominator"].tolist() == ["50", "160", "30"]
    assert result.loc[0, "numerator"] == 3


def test_suppress_result_small_denominator_and_mean():
    rate = pd.DataFrame({"numerator": [2], "denominator": [4], "value": [50.0]})
    assert suppress_result(rate, unit="%").iloc[0][["numerator", "denominator", "value"]].tolist() \
        == [C, C, C]
    # AD-01: 32,539 days over 98 children -> 332.0 days; nothing small.
    mean = pd.DataFrame({"numerator": [32539], "denominator": [98], "value": [332.03]})
    assert suppress_result(mean, unit="days").iloc[0][["numerator", "denominator", "value"]]\
        .tolist() == ["32,539", "98", "332.0"]
    # Mean of 3 children: the denominator is [c], and the day total and the mean with it.
    small = pd.DataFrame({"numerator": [900], "denominator": [3], "value": [300.0]})
    assert suppress_result(small, unit="days").iloc[0][["numerator", "denominator", "value"]]\
        .tolist() == [C, C, C]


def test_suppress_result_unavailable_and_unit_column():
    result = pd.DataFrame({
        "numerator": [float("nan")], "denominator": [float("nan")], "value": [float("nan")],
        "available": [False], "unit": ["%"],
    })
    out = suppress_result(result)
    assert out.iloc[0][["numerator", "denominator", "value"]].tolist() == [NOT_AVAILABLE] * 3


def test_formatting():
    assert format_number(1579) == "1,579"
    assert format_number(340140.0) == "340,140"
    assert format_number(None) == NOT_AVAILABLE
    assert format_value(10.6962, "%") == "10.7%"
    assert format_value(40.53, "per 10,000") == "40.5"
    assert format_value(1706, "count") == "1,706"
    assert set(SYMBOLS) == {"[c]", "[x]", "[z]"}


def test_series_rows_are_not_complements_of_each_other():
    # A monthly series: each date stands alone (no total across dates), so only the
    # small month is [c]; by groups within one date do protect each other.
    series = pd.DataFrame({
        "date": pd.to_datetime(["2019-05-31", "2019-06-30", "2019-07-31"]),
        "numerator": [3, 20, 9], "denominator": [50, 160, 30], "value": [6.0, 12.5, 30.0],
    })
    series.attrs["unit"] = "%"
    out = suppress_result(series)
    assert out["numerator"].tolist() == [C, "20", "9"]
    assert out["value"].tolist() == [C, "12.5%", "30.0%"]


def test_mean_units_protect_the_children_counted():
    # SDQ mean score (unit "score"): 40 points over 3 children -> the 3 is [c] and so is
    # the points total and the mean. Caseload (children per FTE): 4 children over 2.5 FTE
    # -> the numerator counts children and is [c]; the FTE and the caseload go with it
    # (a figure that is not a count is hidden whenever its row's count is).
    sdq = pd.DataFrame({"numerator": [40], "denominator": [3], "value": [13.3]})
    assert suppress_result(sdq, unit="score").iloc[0].tolist() == [C, C, C]
    caseload = pd.DataFrame({"numerator": [4], "denominator": [2.5], "value": [1.6]})
    assert suppress_result(caseload, unit="children per FTE").iloc[0].tolist() == [C, C, C]
    caseload = pd.DataFrame({"numerator": [1579], "denominator": [26.2], "value": [60.3]})
    assert suppress_result(caseload, unit="children per FTE").iloc[0].tolist() == \
        ["1,579", "26.2", "60.3"]
