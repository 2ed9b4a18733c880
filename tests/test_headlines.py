"""Headline sentences: exact wording for hand-made results, rounding, suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from cpanalytics.publish import headlines, publication_audit
from cpanalytics.publish.publication_audit import SIDECAR_DIR
from cpanalytics.publish.targets import Comparator

DATE = pd.Timestamp("2019-07-31")


def result(indicator: str, numerator: float, denominator: float | None, value: float,
           **extra: object) -> pd.DataFrame:
    """A one-row indicator result as ``indicators.compute`` returns it."""
    return pd.DataFrame([{"indicator": indicator, "date": DATE, "numerator": numerator,
                          "denominator": denominator, "value": value, "available": True,
                          **extra}])


def test_rate_sentence_below_target_matches_the_spec_example():
    # 97 of 1,000 children had 3+ placements: 9.7%, below the 10% target (reports.md example).
    ps01 = result("PS-01", 97, 1000, 9.7)
    assert headlines.kpi_sentence(ps01, target=10) == (
        "9.7% of children in care had three or more placements in the last 12 months, "
        "below the 10% target."
    )


def test_target_and_england_clauses_use_the_rounded_value():
    # 169/1,579 = 10.7029...% -> 10.7%: above the 10% target; England 10.7 -> in line.
    # England carries its year (issue 12, "Comparators and dates").
    ps01 = result("PS-01", 169, 1579, 100 * 169 / 1579)
    england = Comparator(10.7, 2019, report_year=2020)
    assert headlines.kpi_sentence(ps01, target=10, england=england) == (
        "10.7% of children in care had three or more placements in the last 12 months, "
        "above the 10% target and in line with England 2018/19: 10.7%."
    )


def test_an_old_england_figure_carries_its_year_and_an_age_note():
    # England 2016/17 shown in a 2024/25 report: 8 years older, more than two -> a note.
    ps01 = result("PS-01", 97, 1000, 9.7)
    england = Comparator(10.0, 2017, report_year=2025)
    assert headlines.kpi_sentence(ps01, england=england) == (
        "9.7% of children in care had three or more placements in the last 12 months, "
        "below England 2016/17: 10% (latest available; 8 years older than this report)."
    )


def test_small_numerator_is_suppressed_and_the_comparison_left_out():
    # 3 of 40 = 7.5%, but a numerator of 3 is below the threshold of 5 -> [c].
    ps01 = result("PS-01", 3, 40, 7.5)
    assert headlines.kpi_sentence(ps01, target=10) == (
        "[c] of children in care had three or more placements in the last 12 months."
    )
    assert headlines.kpi_sentence(ps01, target=10, suppress=False).startswith("7.5% of")


def test_days_are_whole_numbers_against_a_threshold():
    # A1: 32,539 days over 98 children = 332.03 days -> "332", below the 426-day threshold.
    ad01 = result("AD-01", 32539, 98, 32539 / 98)
    assert headlines.kpi_sentence(ad01, target=426, target_name="threshold") == (
        "Children adopted waited an average of 332 days from entering care to moving in with "
        "their adoptive family, below the 426-day threshold."
    )


def test_unavailable_result_gives_its_note_in_plain_words():
    # The engine's note names the file for the analyst; a report names the records
    # (issue 15: no file names in the reports).
    he01 = pd.DataFrame([{"indicator": "HE-01", "date": DATE, "numerator": None,
                          "denominator": None, "value": None, "available": False,
                          "note": "Not available: needs local/health_assessments.csv"}])
    assert headlines.kpi_sentence(he01, target=90) == (
        "Not available: this figure needs the council's health assessment records, which "
        "were not supplied."
    )


def test_a_sentence_closes_with_the_same_measure_a_year_earlier():
    # The IRO Handbook report compares each figure with the year before. IR-01 is a
    # snapshot: "on" the date a year earlier; IR-04 a financial-year count: "in 2017-18";
    # AD-01 a rolling 12 months, in days. A year-earlier figure hidden as [c] stays [c].
    ir01 = result("IR-01", 970, 1000, 97.0)
    before = result("IR-01", 962, 1000, 96.2).assign(date=pd.Timestamp("2018-07-31"))
    assert headlines.kpi_sentence(ir01, target=98, previous=before) == (
        "97.0% of children in care had every review held within timescale, below the 98% "
        "target; on 31 July 2018 it was 96.2%."
    )
    ir04 = result("IR-04", 4264, None, 4264).assign(date=pd.Timestamp("2019-03-31"))
    last = result("IR-04", 4338, None, 4338).assign(date=pd.Timestamp("2018-03-31"))
    assert headlines.kpi_sentence(ir04, previous=last) == (
        "4,264 reviews were held in the year; in 2017-18 it was 4,338.")
    ad01 = result("AD-01", 32539, 98, 32539 / 98)
    earlier = result("AD-01", 930, 3, 310.0).assign(date=pd.Timestamp("2018-07-31"))
    assert headlines.kpi_sentence(ad01, previous=earlier) == (
        "Children adopted waited an average of 332 days from entering care to moving in with "
        "their adoptive family; in the 12 months to 31 July 2018 it was [c].")
    unavailable = last.assign(available=False, note="Not available: needs local/x.csv")
    assert headlines.kpi_sentence(ir04, previous=unavailable) == "4,264 reviews were held in the year."


def test_count_with_citizen_uasc_split():
    # Seed July 2019: 1,706 children in care = 1,390 citizen + 316 UASC.
    total = result("CIC-01", 1706, None, 1706)
    by = pd.DataFrame({"indicator": "CIC-01", "date": DATE, "uasc": ["Citizen", "UASC"],
                       "numerator": [1390, 316], "denominator": None, "value": [1390.0, 316.0],
                       "available": True})
    assert headlines.split_sentence(total, by, "uasc", when="on 31 July 2019",
                                    labels={"Citizen": "citizen children"}) == (
        "There were 1,706 children in care on 31 July 2019 (1,390 citizen children and "
        "316 UASC)."
    )


def test_small_part_of_a_split_hides_its_complement_too():
    # UASC 3 -> [c]; citizen 1,703 would reveal it from the published total, so [c] too.
    total = result("CIC-01", 1706, None, 1706)
    by = pd.DataFrame({"indicator": "CIC-01", "date": DATE, "uasc": ["Citizen", "UASC"],
                       "numerator": [1703, 3], "denominator": None, "value": [1703.0, 3.0],
                       "available": True})
    assert headlines.split_sentence(total, by, "uasc") == (
        "There were 1,706 children in care ([c] Citizen and [c] UASC)."
    )


def test_share_sentence_counts_one_group():
    # Section 20: 621 of 1,574 = 39.453% -> 39.5%.
    by = pd.DataFrame({"legal_status": ["Full care order", "Section 20"], "count": [953, 621]})
    text = headlines.share_sentence(by, "legal_status", "Section 20", count="count",
                                    template="{n} of {total} children ({pct}) were under s20")
    assert text == "621 of 1,574 children (39.5%) were under s20."


def test_split_rates_follow_a_sentence():
    by = pd.DataFrame({"indicator": "HE-02", "date": DATE, "uasc": ["Citizen", "UASC"],
                       "numerator": [300, 50], "denominator": [400, 80],
                       "value": [75.0, 62.5], "available": True})
    assert headlines.split_rates(by, "uasc") == " Citizen: 75.0%; UASC: 62.5%."


def test_trend_phrase_compares_values_as_shown():
    assert headlines.trend_phrase(8.94, 9.7, "%") == "rose from 8.9% to 9.7%"
    assert headlines.trend_phrase(1653, 1579, "count") == "fell from 1,653 to 1,579"
    # 9.71 and 9.74 both show as 9.7%.
    assert headlines.trend_phrase(9.71, 9.74, "%") == "stayed at 9.7%"


def test_table_sentence_totals_the_counts():
    # UASC arrivals: 7 + 9 + 4 = 20 in the window.
    arrivals = pd.DataFrame({"indicator": "UA-02", "date": DATE, "count": [7, 9, 4],
                             "available": True})
    assert headlines.table_sentence(arrivals, when="in 2018-19") == (
        "20 unaccompanied asylum-seeking children started care in 2018-19."
    )
    # IR-07 (financial year) with the year before: 12 + 3 = 15 escalations in 2017-18.
    ir07 = pd.DataFrame({"indicator": "IR-07", "date": pd.Timestamp("2019-03-31"),
                         "count": [30, 5], "available": True})
    before = ir07.assign(date=pd.Timestamp("2018-03-31"), count=[12, 3])
    assert headlines.table_sentence(ir07, previous=before) == (
        "IROs raised 35 escalations through the dispute resolution process in the year; in "
        "2017-18 it was 15."
    )


def test_rag_summary():
    counts = pd.Series({"G": 8, "A": 1, "R": 4, "not rated": 22})
    assert headlines.rag_summary(counts, when="31 March 2025") == (
        "Of the 13 key performance indicators rated on 31 March 2025, 8 were Green, 1 Amber "
        "and 4 Red; 22 were not rated (no target, not available or too few children)."
    )


def test_rag_changes_names_each_measure_with_its_old_and_new_rating():
    # scorecard.rag_changes rows: PS-02 went from Amber to Red, HE-01 from Green to Amber.
    changes = pd.DataFrame({"indicator": ["PS-02", "HE-01"],
                            "measure": ["Children in the same placement for 2 years",
                                        "IHA requests on time"],
                            "was": ["Amber", "Green"], "now": ["Red", "Amber"]})
    assert headlines.rag_changes(changes, since="31 March 2024") == (
        "Since 31 March 2024, 2 ratings have changed: Children in the same placement for 2 "
        "years (PS-02) from Amber to Red; IHA requests on time (HE-01) from Green to Amber.")
    assert headlines.rag_changes(changes.head(1), since="31 March 2024").startswith(
        "Since 31 March 2024, 1 rating has changed: Children")
    assert headlines.rag_changes(changes.head(0), since="31 March 2024") == (
        "No rating has changed since 31 March 2024.")


def test_non_percentage_target_reads_the_target_of():
    # IRO caseload 1,579 children / 26.2 FTE = 60.27 -> 60.3, below the target of 70.
    ir05 = result("IR-05", 1579, 26.2, 1579 / 26.2)
    assert headlines.kpi_sentence(ir05, target=70) == (
        "The average IRO caseload was 60.3 children for each full-time IRO, below the target "
        "of 70."
    )


def test_numerator_placeholder_uses_the_suppressed_count():
    # UA-01 July 2019: 316 UASC of 1,706 in care = 18.52% -> 18.5%.
    ua01 = result("UA-01", 316, 1706, 100 * 316 / 1706)
    assert headlines.kpi_sentence(ua01, when="on 31 July 2019") == (
        "There were 316 unaccompanied asylum-seeking children (UASC) in care, 18.5% of all "
        "children in care on 31 July 2019."
    )


def _recorded(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / SIDECAR_DIR).glob("*.json"))]


def test_every_count_a_sentence_prints_is_recorded_with_its_table_key(tmp_path: Path):
    # The split's total and parts (with their sum), UA-01's numerator, the arrivals total.
    total = result("CIC-01", 1706, None, 1706)
    by = pd.DataFrame({"indicator": "CIC-01", "date": DATE, "uasc": ["Citizen", "UASC"],
                       "numerator": [1703, 3], "denominator": None, "value": [1703.0, 3.0],
                       "available": True})
    arrivals = pd.DataFrame({"indicator": "UA-02", "date": DATE, "count": [7, 9], "available": True})
    publication_audit.record_to(tmp_path)
    try:
        headlines.split_sentence(total, by, "uasc")
        headlines.kpi_sentence(result("UA-01", 316, 1706, 18.5))
        headlines.table_sentence(arrivals)
    finally:
        publication_audit.record_to(None)
    split, ua01, ua02 = sorted(_recorded(tmp_path), key=lambda r: int(r["table"].rsplit("-", 1)[1]))
    key = publication_audit.figure_key
    assert [(c["key"], c["value"], c["shown"]) for c in split["cells"]] == [
        (key("CIC-01", DATE), 1706, "1,706"), (key("CIC-01", DATE, "count", {"uasc": "Citizen"}), 1703, "[c]"),
        (key("CIC-01", DATE, "count", {"uasc": "UASC"}), 3, "[c]")]
    assert split["sums"] == [[key("CIC-01", DATE), [c["key"] for c in split["cells"][1:]]]]
    assert [(c["key"], c["shown"]) for c in ua01["cells"]] == [(key("UA-01", DATE, "numerator"), "316")]
    assert [(c["key"], c["shown"]) for c in ua02["cells"]] == [(key("UA-02", DATE), "16")]
    assert not ua01["suppressible"]  # the audit protects around printed counts, never hides them
