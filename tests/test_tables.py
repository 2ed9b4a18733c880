"""Published tables: Markdown alignment, thousands separators, suppression symbols."""

from __future__ import annotations

import pandas as pd

from cpanalytics.publish import tables
from cpanalytics.publish.targets import Comparator

DATE = pd.Timestamp("2018-08-31")


def test_markdown_right_aligns_numbers_and_symbols_only():
    frame = pd.DataFrame({"Group": ["Under 1", "1 to 4"], "Number": ["1,234", "[c]"],
                          "%": ["98.1", "[c]"]})
    # Dashes: longest entry or header word plus 2 for padding: Group 7 ("Under 1") + 2,
    # Number 6 + 2, % 4 ("98.1") + 2. Headings and text are escaped markdown (the "%").
    assert tables.markdown(frame) == (
        "| Group | Number | \\% |\n"
        "| :-------- | -------: | -----: |\n"
        "| Under 1 | 1,234 | 98.1 |\n"
        "| 1 to 4 | [c] | [c] |"
    )


def test_is_numeric_column():
    assert tables.is_numeric_column(pd.Series(["1,579", "10.7%", "[x]", "[z]"]))
    assert not tables.is_numeric_column(pd.Series(["1,579", "Section 20"]))
    # A mean in days carries its unit and still reads (and aligns) as a number.
    assert tables.is_numeric_column(pd.Series(["347.0 days", "426 days", "[c]"]))
    assert not tables.is_numeric_column(pd.Series(["2016/17: 593 days (latest available)"]))


def test_markdown_writes_classed_cells_as_spans_and_leaves_the_frame_plain():
    # The scorecard's RAG words: the span's class colours the cell in the report (HTML CSS,
    # Typst show rule); the word itself stays, so colour is never the only signal.
    frame = pd.DataFrame({"Measure": ["PS-01", "PS-02", "PS-05"], "RAG": ["Green", "Red", ""]})
    frame.attrs[tables.CLASSES] = {"RAG": {"Green": "rag-green", "Red": "rag-red"}}
    rows = tables.markdown(frame).splitlines()[2:]
    assert rows == ["| PS\\-01 | [Green]{.rag-green} |", "| PS\\-02 | [Red]{.rag-red} |",
                    "| PS\\-05 |  |"]
    assert frame["RAG"].tolist() == ["Green", "Red", ""]  # the CSV keeps the plain word


def test_whole_numbers_print_without_decimals():
    # CIC-02's population is summed from fractions of years (345,020.0000000001): a whole
    # number, printed "345,020" (issue 15: "345,020.0"); an FTE of 25.8 keeps its decimal.
    cic02 = pd.DataFrame([{"indicator": "CIC-02", "date": DATE, "numerator": 1362,
                           "denominator": 345020.0000000001, "value": 39.476, "available": True}])
    shown = tables.display_result(cic02, suppress=False).iloc[0]
    assert (shown["numerator"], shown["denominator"], shown["value"]) == ("1,362", "345,020", "39.5")
    assert tables.display_result(cic02).iloc[0]["denominator"] == "345,020"
    ir05 = pd.DataFrame([{"indicator": "IR-05", "date": DATE, "numerator": 1579,
                          "denominator": 26.2, "value": 1579 / 26.2, "available": True}])
    assert tables.display_result(ir05).iloc[0][["denominator", "value"]].tolist() == ["26.2", "60.3"]


def test_counts_and_percentages_suppress_small_counts_and_their_complement():
    # A=2 (primary [c]); the Total 20 is published, so the smallest other count, B=6, is
    # hidden too (else 20-6-12 = 2). C=12 is 60.0% of 20.
    counts = pd.DataFrame({"Reason": ["A", "B", "C"], "Number": [2, 6, 12]})
    shown = tables.counts_and_percentages(counts, "Reason", ["Number"])
    assert shown.to_dict("list") == {
        "Reason": ["A", "B", "C", "Total"],
        "Number": ["[c]", "[c]", "12", "20"],
        "Number %": ["[c]", "[c]", "60.0", "100.0"],
    }


def test_counts_and_percentages_unsuppressed_keep_separators():
    counts = pd.DataFrame({"Reason": ["A", "B"], "Number": [2, 1998]})
    shown = tables.counts_and_percentages(counts, "Reason", ["Number"], suppress=False)
    # 2 / 2,000 = 0.1%; 1,998 / 2,000 = 99.9%.
    assert shown["Number"].tolist() == ["2", "1,998", "2,000"]
    assert shown["Number %"].tolist() == ["0.1", "99.9", "100.0"]


def test_crosstab_totals_and_suppression():
    # Rows x columns with totals:     3    4  Total
    #                     10 to 15   40    7     47
    #                     16 to 17   30    2     32
    #                     Total      70    9     79
    # 2 is primary [c]. Row 16 to 17 (total published) then hides 30; column 4 hides 7;
    # row 10 to 15 now has one hidden cell, so 40 goes too: the rectangle is closed.
    units = pd.DataFrame({"age_band": ["10 to 15", "10 to 15", "16 to 17", "16 to 17"],
                          "placements": [3, 4, 3, 4], "count": [40, 7, 30, 2]})
    shown = tables.crosstab(units, "age_band", "placements")
    assert shown.columns.tolist() == ["Age band", "3", "4", "Total"]
    assert shown.to_dict("list") == {
        "Age band": ["10 to 15", "16 to 17", "Total"],
        "3": ["[c]", "[c]", "70"],
        "4": ["[c]", "[c]", "9"],
        "Total": ["47", "32", "79"],
    }


def test_measures_table_formats_values_targets_and_missing():
    # PS-01 Aug 2018: 169 / 1,579 = 10.7%, target 10%, England 10%.
    ps01 = pd.DataFrame([{"indicator": "PS-01", "date": DATE, "numerator": 169,
                          "denominator": 1579, "value": 100 * 169 / 1579, "available": True}])
    he01 = pd.DataFrame([{"indicator": "HE-01", "date": DATE, "numerator": None,
                          "denominator": None, "value": None, "available": False,
                          "note": "Not available: needs local/health_assessments.csv"}])
    cic01 = pd.DataFrame([{"indicator": "CIC-01", "date": DATE, "numerator": 1653,
                           "denominator": None, "value": 1653.0, "available": True}])
    england = {"PS-01": Comparator(10, 2017, report_year=2019)}
    shown = tables.measures([ps01, he01, cic01], targets={"PS-01": 10}, england=england)
    # England carries its year (issue 12); 2016/17 is two years before 2018/19: no age note.
    # Targets and comparators print as set: a whole 10 is "10%" (issue 15: no ".0").
    assert shown.iloc[0, 1:].tolist() == ["169", "1,579", "10.7%", "10%", "2016/17: 10%"]
    assert shown.iloc[1, 1:].tolist() == ["[x]", "[x]", "[x]", "[z]", "[z]"]
    assert shown.iloc[2, 1:].tolist() == ["1,653", "[z]", "1,653", "[z]", "[z]"]
    assert shown["Measure"].iloc[0].startswith("PS-01 Children in care with 3 or more")


def test_profile_stacks_marginals_with_one_total_row():
    # 12 children: age band 7 + 5; sex 9 male + 3 female (3 -> [c], and 9 with it, as the
    # total 12 is published). Groups keep their order of first appearance.
    units = pd.DataFrame({"age_band": ["1 to 4", "1 to 4", "5 to 9", "5 to 9"],
                          "sex": ["Male", "Female", "Male", "Female"], "count": [5, 2, 4, 1]})
    shown = tables.profile({"age_band": units, "sex": units})
    assert shown.to_dict("list") == {
        "Characteristic": ["All children", "Age band", "Age band", "Sex", "Sex"],
        "Group": ["", "1 to 4", "5 to 9", "Male", "Female"],
        "Number": ["12", "7", "5", "[c]", "[c]"],
        "%": ["100.0", "58.3", "41.7", "[c]", "[c]"],
    }


def test_a_lone_small_group_is_merged_rather_than_hiding_a_large_count():
    # Table 1 of the 2025 synthetic corporate parenting report (CIC-05 on 31 March 2025):
    # legal status 242 / 614 / 98 / 672 / 2 of 1,628 children, placement type 1,300 / 63 /
    # 104 / 24 / 135 / 2. Before issue 15 the lone youth-justice 2 was [c], and the total
    # 1,628 then forced the smallest other cell, 98 placement orders, to [c] as well (and
    # 24 placed with parents for the placement-type 2). Merging the lone small group with
    # the smallest other (GSS table redesign) hides nothing: 98 + 2 = 100, 100 / 1,628 =
    # 6.1%; "Other" absorbs the group it is paired with: 24 + 2 = 26, 1.6%.
    legal = pd.Categorical(
        ["Interim care order", "Full care order", "Placement order", "Section 20",
         "Youth justice", "Police protection or emergency order"],
        categories=["Interim care order", "Full care order", "Placement order", "Section 20",
                    "Youth justice", "Police protection or emergency order"])
    kinds = ["Foster care", "Placed for adoption", "Residential", "Placed with parents",
             "Independent or semi-independent living", "Other"]
    placement = pd.Categorical(kinds, categories=kinds)
    units = {"legal_status": pd.DataFrame({"legal_status": legal, "count": [242, 614, 98, 672, 2, 0]}),
             "placement_type": pd.DataFrame({"placement_type": placement,
                                             "count": [1300, 63, 104, 24, 135, 2]})}
    shown = tables.profile(units)
    assert shown.to_dict("list") == {
        "Characteristic": ["All children"] + ["Legal status"] * 5 + ["Placement type"] * 5,
        "Group": ["", "Interim care order", "Full care order", "Placement order or youth justice",
                  "Section 20", "Police protection or emergency order", "Foster care",
                  "Placed for adoption", "Residential", "Independent or semi-independent living",
                  "Other (including placed with parents)"],
        "Number": ["1,628", "242", "614", "100", "672", "0", "1,300", "63", "104", "135", "26"],
        "%": ["100.0", "14.9", "37.7", "6.1", "41.3", "0.0", "79.9", "3.9", "6.4", "8.3", "1.6"],
    }


def test_merge_small_pairs_ordered_groups_with_a_neighbour_and_leaves_the_rest_to_suppression():
    ages = pd.DataFrame({"age_band": ["Under 1", "1 to 4", "5 to 9", "10 to 15"],
                         "Number": [3, 40, 20, 60]})
    # Age bands have an order: Under 1 (3) joins its only neighbour, 1 to 4 (40), not the
    # smallest band, 5 to 9 (20).
    assert tables.merge_small(ages, "age_band", ordered=True).to_dict("list") == {
        "age_band": ["Under 1 or 1 to 4", "5 to 9", "10 to 15"], "Number": [43, 20, 60]}
    # Without an order the smallest other group is the partner: 3 + 20 = 23, in the first
    # group's place.
    assert tables.merge_small(ages, "age_band").to_dict("list") == {
        "age_band": ["Under 1 or 5 to 9", "1 to 4", "10 to 15"], "Number": [23, 40, 60]}
    # Two small groups protect each other (both [c], nothing large hidden): no merge.
    two = ages.assign(Number=[3, 40, 2, 60])
    assert tables.merge_small(two, "age_band").equals(two)
    # Merging would leave one row (a two-group split): both are hidden instead.
    sexes = pd.DataFrame({"sex": ["Male", "Female"], "Number": [9, 3]})
    assert tables.merge_small(sexes, "sex").equals(sexes)


def test_compare_periods_and_counts_by_period_keep_category_order():
    this = pd.DataFrame({"reason": ["Adopted", "SGO"], "count": [96, 40]})
    last = pd.DataFrame({"reason": ["Home", "Adopted"], "count": [50, 98]})
    shown = tables.compare_periods({"2018-19": this, "2017-18": last}, "reason")
    # Reasons in order of first appearance; Home absent in 2018-19 counts 0 (a true zero).
    assert shown["Reason"].tolist() == ["Adopted", "SGO", "Home", "Total"]
    assert shown["2018-19"].tolist() == ["96", "40", "0", "136"]
    assert shown["2017-18 %"].tolist() == ["66.2", "0.0", "33.8", "100.0"]  # 98/148, 50/148
    journey = tables.counts_by_period({"2017-18": last, "2018-19": this}, "reason")
    assert journey.to_dict("list") == {"Reason": ["Home", "Adopted", "SGO"],
                                       "2017-18": ["50", "98", "0"],
                                       "2018-19": ["0", "96", "40"]}


def test_marginal_sorts_numeric_categories_as_numbers():
    # Ages at arrival seen in the order 15, 16, 9: shown 9, 15, 16 (numbers, not text).
    units = pd.DataFrame({"age_at_arrival": ["15", "16", "9", "16"], "count": [6, 7, 5, 3]})
    shown = tables.marginal(units, "age_at_arrival")
    assert shown["Age at arrival"].tolist() == ["9", "15", "16", "Total"]
    assert shown["Number"].tolist() == ["5", "6", "10", "21"]


def test_a_provisional_single_figure_is_marked_wherever_it_is_shown():
    # AD-07a on a date within the last 12 months of the data: AD1 lists a child only once
    # adopted, so children matched but not adopted still count as not matched (DfE AD1
    # guidance; docs/assumptions.md#adoption-matches). The count is shown with [p].
    result = pd.DataFrame({
        "indicator": ["AD-07a", "AD-07a"], "date": pd.to_datetime(["2024-03-31", "2025-03-31"]),
        "numerator": [32, 35], "denominator": [float("nan")] * 2, "value": [32.0, 35.0],
        "provisional": [False, True], "available": [True, True],
    })
    shown = tables.display_result(result)
    assert shown["value"].tolist() == ["32", "35 [p]"]
    assert shown["numerator"].tolist() == ["32", "35 [p]"]


def test_a_count_whole_at_one_decimal_prints_without_a_stray_decimal() -> None:
    # UA-04's denominator is the NTS threshold, 345,020 x 0.1% = 345.02 children: shown "345".
    frame = pd.DataFrame({"indicator": ["UA-04"], "numerator": [300.0], "denominator": [345.02],
                          "value": [86.95]})
    shown = tables.display_result(frame, suppress=False).iloc[0]
    assert (shown["numerator"], shown["denominator"]) == ("300", "345")
