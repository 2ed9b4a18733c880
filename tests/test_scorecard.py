"""Scorecard: RAG per polarity, the denominator<5 rule, direction of travel, year-ago
lookup, England comparator, summary and the published (suppressed) table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import FakeIndicator

from cpanalytics.publish.scorecard import (
    build,
    previous_month,
    publish,
    rag,
    rag_changes,
    summary,
    year_ago,
)
from cpanalytics.publish.tables import CLASSES, markdown
from cpanalytics.publish.targets import Config, Target


def _card(polarity, values, target, floor, denominators=None, kind="rate", **extra):
    n = len(values)
    return pd.DataFrame({
        "polarity": [polarity] * n, "kind": kind, "unit": "%", "value": values,
        "denominator": denominators or [100] * n, "target": target, "floor": floor,
        "tolerance": extra.get("tolerance", np.nan),
        "floor_tolerance": extra.get("floor_tolerance", np.nan),
    })


def test_rag_higher_is_better():
    # Target 90, floor 80 (HE-01). 91.9 >= 90 G; 90.0 = target G; 89.96 publishes as 90.0
    # so G; 85 in [80, 90) A; 80 = floor A; 79.9 < 80 R.
    card = _card("H", [91.9, 90.0, 89.96, 85.0, 80.0, 79.9], 90, 80)
    assert rag(card).tolist() == ["G", "G", "G", "A", "A", "R"]


def test_rag_lower_is_better_mirrors():
    # PS-01: target 10, floor 12. 9.7 <= 10 G; 10.0 G; 10.7 in (10, 12] A; 12.0 A; 12.5 R.
    card = _card("L", [9.7, 10.0, 10.7, 12.0, 12.5], 10, 12)
    assert rag(card).tolist() == ["G", "G", "A", "A", "R"]


def test_rag_close_to_target():
    # Target 70, tolerance 2, floor tolerance 5: |71.5-70| = 1.5 G; |66-70| = 4 A;
    # |75-70| = 5 A; |60-70| = 10 R.
    card = _card("T", [71.5, 66.0, 75.0, 60.0], 70, np.nan, tolerance=2, floor_tolerance=5)
    assert rag(card).tolist() == ["G", "A", "A", "R"]
    # Default tolerance is 5% of target (3.5) and the amber band twice that (7):
    # |73-70| = 3 G, |64-70| = 6 A, |62-70| = 8 R.
    card = _card("T", [73.0, 64.0, 62.0], 70, np.nan)
    assert rag(card).tolist() == ["G", "A", "R"]


def test_no_rag_for_small_denominator_counts_missing_target_or_floor_missing():
    # Denominator 4 < 5: no RAG even though 50% is far below target; 5 is rated.
    card = _card("H", [50.0, 50.0], 90, 80, denominators=[4, 5])
    assert rag(card).isna().tolist() == [True, False]
    assert rag(card).iloc[1] == "R"
    # Activity counts and measures without polarity or target get no RAG.
    assert rag(_card("L", [12.0], 10, 12, kind="count")).isna().all()
    assert rag(_card(None, [12.0], 10, 12)).isna().all()
    assert rag(_card("H", [12.0], np.nan, np.nan)).isna().all()
    # No floor configured: below target is Amber, never Red.
    assert rag(_card("H", [10.0], 90, np.nan)).tolist() == ["A"]


REGISTRY = {
    "HE-01": FakeIndicator("HE-01", "IHA requests in 5 working days", "H", "R12M"),
    "PS-01": FakeIndicator("PS-01", "3+ placements", "L"),
    "AD-01": FakeIndicator("AD-01", "A1 days", "L", "R12M", "mean", "days"),
    "CIC-01": FakeIndicator("CIC-01", "Children in care", None, kind="count", unit="count",
                            kpi=False),
    "IR-02": FakeIndicator("IR-02", "Participation", "H", "R12M"),
}

# (numerator, denominator) at 31 Jul 2019, 30 Jun 2019 and 31 Jul 2018.
FIGURES = {
    "HE-01": {"2019-07-31": (628, 683), "2019-06-30": (611, 671), "2018-07-31": (379, 439)},
    "PS-01": {"2019-07-31": (165, 1706), "2019-06-30": (170, 1700), "2018-07-31": (169, 1579)},
    "AD-01": {"2019-07-31": (27762, 77), "2019-06-30": (27762, 77), "2018-07-31": (32539, 98)},
    "IR-02": {"2019-07-31": (3, 4), "2019-06-30": (95, 100), "2018-07-31": (4083, 4258)},
}


def fake_compute(indicator_id, data, as_at):
    num, den = FIGURES[indicator_id][pd.Timestamp(as_at).strftime("%Y-%m-%d")]
    value = num / den if REGISTRY[indicator_id].kind == "mean" else 100 * num / den
    return pd.DataFrame({"indicator": [indicator_id], "date": [pd.Timestamp(as_at)],
                         "numerator": [num], "denominator": [den], "value": [value],
                         "available": [True]})


def _config() -> Config:
    comparators = pd.DataFrame({
        "INDICATOR": ["PS-01", "PS-01", "PS-01", "AD-01"],
        "YEAR": [2017, 2020, 2021, 2017],
        "AREA": ["England", "England", "England", "England"],
        "VALUE": [10.0, 9.0, 8.0, 593.0],
    })
    targets = {
        "HE-01": Target("HE-01", 90, 80), "PS-01": Target("PS-01", 10, 12),
        "AD-01": Target("AD-01", 426, 487), "IR-02": Target("IR-02", 95, 90),
    }
    return Config(year=2020, targets=targets, comparators=comparators, areas={},
                  nts_threshold={pd.Timestamp("2016-07-01"): 0.0007})


@pytest.fixture
def card() -> pd.DataFrame:
    return build(object(), "2019-07-31", config=_config(), compute=fake_compute,
                 registry=REGISTRY).set_index("indicator")


def test_build_values_rag_and_direction(card):
    # The registry's KPIs, in scorecard order (family, then number);
    # CIC-01 (an activity count) is not a scorecard row.
    assert list(card.index) == ["PS-01", "HE-01", "AD-01", "IR-02"]
    # HE-01: 628/683 = 91.95% >= 90 -> G. A month ago 611/671 = 91.06%: up, H -> improving.
    assert card.loc["HE-01", "value"] == pytest.approx(91.947, abs=1e-3)
    assert card.loc["HE-01", "rag"] == "G"
    assert card.loc["HE-01", "direction"] == "improving"
    # PS-01: 165/1706 = 9.67% <= 10 -> G; month ago 170/1700 = 10.0% (G, on target);
    # lower, L -> improving. A year ago 169/1579 = 10.70% -> A.
    assert card.loc["PS-01", "rag"] == "G"
    assert card.loc["PS-01", "previous_rag"] == "G"
    assert card.loc["PS-01", "direction"] == "improving"
    assert card.loc["PS-01", "year_ago_value"] == pytest.approx(10.703, abs=1e-3)
    assert card.loc["PS-01", "year_ago_rag"] == "A"
    # AD-01: 27,762/77 = 360.5 days <= 426 -> G; same as a month ago -> no change;
    # a year ago 32,539/98 = 332.0 days.
    assert card.loc["AD-01", "value"] == pytest.approx(360.545, abs=1e-3)
    assert card.loc["AD-01", "direction"] == "no change"
    assert card.loc["AD-01", "year_ago_value"] == pytest.approx(332.03, abs=1e-2)
    # IR-02: 3/4 = 75% but denominator 4 < 5: no RAG. Month ago 95/100 = 95%: down on an
    # H measure -> declining.
    assert pd.isna(card.loc["IR-02", "rag"])
    assert card.loc["IR-02", "direction"] == "declining"


def test_england_comparator_is_latest_published_for_the_year(card):
    # 31 Jul 2019 is in reporting year 2019/20 (2020): PS-01 has England 2017, 2020 and
    # 2021 figures; the 2020 one (9.0) is used, not 2021's.
    assert card.loc["PS-01", "england"] == 9.0
    assert card.loc["PS-01", "england_year"] == 2020
    # AD-01 has only 2017 (593): the latest published before the year.
    assert card.loc["AD-01", "england"] == 593.0
    assert card.loc["AD-01", "england_year"] == 2017
    assert pd.isna(card.loc["HE-01", "england"])


def test_compute_at_takes_the_three_dates_in_one_call():
    # With compute_at, one call per indicator covers the date, a month earlier and a year
    # earlier, and gives the same card as three compute calls; any date, not only month ends.
    calls = []

    def fake_compute_at(indicator_id, data, dates):
        calls.append((indicator_id, [pd.Timestamp(d) for d in dates]))
        known = [d for d in dates if pd.Timestamp(d).strftime("%Y-%m-%d") in FIGURES[indicator_id]]
        return pd.concat([fake_compute(indicator_id, data, d) for d in known])

    card = build(object(), "2019-07-31", config=_config(), compute=fake_compute,
                 registry=REGISTRY, compute_at=fake_compute_at).set_index("indicator")
    assert calls[0] == ("PS-01", [pd.Timestamp(d) for d in ("2019-07-31", "2019-06-30", "2018-07-31")])
    assert len(calls) == 4
    three_calls = build(object(), "2019-07-31", config=_config(), compute=fake_compute,
                        registry=REGISTRY).set_index("indicator")
    pd.testing.assert_frame_equal(card, three_calls)
    assert card.loc["PS-01", "year_ago_value"] == pytest.approx(10.703, abs=1e-3)
    assert card.loc["HE-01", "direction"] == "improving"
    # Mid-month: 15 Jul, 15 Jun 2019 and 15 Jul 2018 in one call as well.
    calls.clear()

    def mid_month(indicator_id, data, dates):
        calls.append([pd.Timestamp(d) for d in dates])
        return pd.DataFrame({"date": list(dates), "numerator": 1, "denominator": 10, "value": 10.0})

    mid = build(object(), "2019-07-15", config=_config(), compute=fake_compute,
                registry=REGISTRY, compute_at=mid_month, indicators=["PS-01"])
    assert mid.loc[0, "value"] == 10.0
    assert calls == [[pd.Timestamp(d) for d in ("2019-07-15", "2019-06-15", "2018-07-15")]]


def test_summary_counts(card):
    # HE-01 G, PS-01 G, AD-01 G, IR-02 not rated.
    assert summary(card.reset_index()).to_dict() == {"G": 3, "A": 0, "R": 0, "not rated": 1}


def test_publish_suppresses_and_formats(card):
    table = publish(card.reset_index())
    # Headed by what they compare (issue 15): the value a year before 31 Jul 2019, the
    # change since then, and England with the year of most of its figures (PS-01's 2019/20
    # and AD-01's 2016/17 tie: the latest).
    assert list(table.columns) == [
        "Indicator", "Measure", "Polarity", "Period", "Value", "Numerator", "Denominator",
        "Target", "RAG", "July 2018", "Change since July 2018", "England 2019/20"]
    table = table.set_index("Indicator")
    assert table.loc["HE-01", "Value"] == "91.9%"
    assert table.loc["HE-01", "Numerator"] == "628"
    assert table.loc["HE-01", "Period"] == "Rolling 12 months"
    assert table.loc["PS-01", "Period"] == "Snapshot"
    assert table.loc["PS-01", "Denominator"] == "1,706"
    # Targets and England as set: whole numbers without ".0", the unit on every figure.
    assert table.loc["PS-01", "Target"] == "10%"
    assert table.loc["PS-01", "England 2019/20"] == "9%"
    assert table.loc["AD-01", "England 2019/20"] == (
        "2016/17: 593 days (latest available; 3 years older than this report)")
    assert table.loc["AD-01", ["Value", "Target", "July 2018"]].tolist() == [
        "360.5 days", "426 days", "332.0 days"]
    # RAG as its word: 9.7% <= 10% G; 91.9% >= 90% G; 360.5 <= 426 days G.
    assert table.loc[["PS-01", "HE-01", "AD-01"], "RAG"].tolist() == ["Green"] * 3
    # IR-02: 3 of 4 -> both counts and the value are [c]; a year ago 4,083/4,258 = 95.9%.
    assert table.loc["IR-02", ["Numerator", "Denominator", "Value"]].tolist() == ["[c]"] * 3
    assert table.loc["IR-02", "July 2018"] == "95.9%"
    assert table.loc["IR-02", "RAG"] == ""
    assert table.loc["HE-01", "England 2019/20"] == "[x]"


def test_direction_of_travel_agrees_with_the_year_ago_column(card):
    # Against a year earlier (31 Jul 2018), by polarity: PS-01 (L) 10.7% -> 9.7% Better;
    # HE-01 (H) 86.3% -> 91.9% Better; AD-01 (L) 332.0 -> 360.5 days Worse; IR-02's value
    # is [c], so no direction beside it.
    assert card["year_direction"].to_dict() == {
        "PS-01": "improving", "HE-01": "improving", "AD-01": "declining", "IR-02": "declining"}
    table = publish(card.reset_index()).set_index("Indicator")
    assert table["Change since July 2018"].to_dict() == {
        "PS-01": "Better", "HE-01": "Better", "AD-01": "Worse", "IR-02": ""}
    # The monthly scorecard's rule stays available: against 30 Jun 2019, AD-01 is the
    # same 360.5 days (Same) and HE-01 rose from 91.1% (Better).
    monthly = publish(card.reset_index(), since="month").set_index("Indicator")
    assert monthly.loc["AD-01", ["June 2019", "Change since June 2019"]].tolist() == [
        "360.5 days", "Same"]
    assert monthly.loc["HE-01", "Change since June 2019"] == "Better"


def test_rag_cells_are_words_the_report_colours(card):
    table = publish(card.reset_index())
    assert table.attrs[CLASSES] == {"RAG": {"Green": "rag-green", "Amber": "rag-amber",
                                            "Red": "rag-red"}}
    rows = markdown(table).splitlines()
    assert "[Green]{.rag-green}" in rows[2] and rows[2].startswith("| PS\\-01 |")


def test_summary_and_changes_count_only_ratings_that_are_published(card):
    rated = card.reset_index()
    rows = rated["indicator"].eq("IR-02")
    rated.loc[rows, ["rag", "year_ago_rag"]] = ["R", "G"]  # beside a [c] value: not published
    # PS-01 was A a year ago (10.7% in (10, 12]) and is G; HE-01 was A (86.3% in [80, 90))
    # and is G; AD-01 G both years; IR-02's change is hidden with its value.
    assert summary(rated).to_dict() == {"G": 3, "A": 0, "R": 0, "not rated": 1}
    changes = rag_changes(rated)
    assert changes.to_dict("list") == {
        "indicator": ["PS-01", "HE-01"], "measure": ["3+ placements", "IHA requests in 5 working days"],
        "was": ["Amber", "Amber"], "now": ["Green", "Green"]}


def test_no_rag_or_direction_beside_a_hidden_value(card):
    # A G beside a hidden rate would bound it (issue 13: no disclosure by differencing), so
    # RAG and direction are blank whenever the value they compare is [c].
    rated = card.reset_index()
    i = rated.index[rated["indicator"].eq("IR-02")][0]
    rated.loc[i, ["rag", "year_direction"]] = ["G", "improving"]
    table = publish(rated).set_index("Indicator")
    assert table.loc["IR-02", "Value"] == "[c]"
    assert (table.loc["IR-02", "RAG"], table.loc["IR-02", "Change since July 2018"]) == ("", "")
    assert table.loc["PS-01", "RAG"] != ""


def test_unavailable_measure_has_no_rag():
    def unavailable(indicator_id, data, as_at):
        return pd.DataFrame({"indicator": [indicator_id], "date": [pd.Timestamp(as_at)],
                             "numerator": [np.nan], "denominator": [np.nan], "value": [np.nan],
                             "available": [False], "note": ["Not available: needs x.csv"]})

    card = build(object(), "2019-07-31", config=_config(), compute=unavailable,
                 registry=REGISTRY, indicators=["HE-01"])
    assert pd.isna(card.loc[0, "rag"]) and pd.isna(card.loc[0, "direction"])
    assert card.loc[0, "note"] == "Not available: needs x.csv"
    assert publish(card).loc[0, "Value"] == "[x]"


def test_comparison_dates():
    # Month-ends step back to the previous month-end; other dates by a calendar month.
    assert previous_month("2019-07-31") == pd.Timestamp("2019-06-30")
    assert previous_month("2019-03-31") == pd.Timestamp("2019-02-28")
    assert previous_month("2019-07-15") == pd.Timestamp("2019-06-15")
    assert year_ago("2019-07-31") == pd.Timestamp("2018-07-31")
    # 29 Feb 2020 -> 28 Feb 2019; 28 Feb 2021 (a month-end) -> 29 Feb 2020.
    assert year_ago("2020-02-29") == pd.Timestamp("2019-02-28")
    assert year_ago("2021-02-28") == pd.Timestamp("2020-02-29")


# Kent Children in Care scorecard, August 2018 (seed pack 000, lines ~1113-1196):
# indicator -> (numerator, denominator, RAG printed in the pack).
SEED_AUG_2018 = {
    "IR-01": (1513, 1530, "G"), "IR-02": (4083, 4258, "G"), "PS-05": (496, 1040, "A"),
    "PS-01": (169, 1579, "A"), "PS-02": (393, 571, "A"), "CIC-06": (899, 1066, "A"),
    "CIC-07": (968, 1261, "A"), "HE-01": (379, 439, "A"), "HE-02": (366, 442, "A"),
    "HE-04": (1307, 1367, "G"), "HE-05": (1284, 1367, "G"), "AD-01": (32539, 98, "G"),
    "AD-02": (11438, 94, "A"), "AD-06": (100, 611, "G"), "CL-01": (1458, 1677, "G"),
    # The pack's care-leaver EET and accommodation are "of those in touch": CL-02L / CL-03L.
    "CL-02L": (958, 1472, "G"), "CL-03L": (1370, 1472, "G"), "IR-05": (1579, 26.2, "G"),
}
MEANS = {"AD-01", "AD-02", "IR-05"}


def test_packaged_targets_reproduce_the_seed_scorecard_rags():
    from cpanalytics.measures.indicators import REGISTRY as REAL
    from cpanalytics.measures.indicators.registry import polarities
    from cpanalytics.publish.targets import load

    pol = polarities(REAL)
    registry = {
        i: FakeIndicator(i, i, pol[i], kind="mean" if i in MEANS else "rate",
                         unit="days" if i in MEANS else "%")
        for i in SEED_AUG_2018
    }

    def seed(indicator_id, data, as_at):
        num, den, _ = SEED_AUG_2018[indicator_id]
        value = num / den if indicator_id in MEANS else 100 * num / den
        return pd.DataFrame({"numerator": [num], "denominator": [den], "value": [value]})

    # 31 Aug 2018 is in reporting year 2019 (2018/19 targets: HE-04 85%).
    config = load(None, 2019, polarities=pol)
    card = build(object(), "2018-08-31", config=config, compute=seed, registry=registry,
                 indicators=list(SEED_AUG_2018)).set_index("indicator")
    # e.g. AD-02: 11,438 / 94 = 121.7 days > 121 target, <= 152 floor -> A (as printed);
    # PS-01: 169 / 1,579 = 10.7% > 10 target, <= 12 floor -> A.
    assert card["rag"].to_dict() == {i: rag for i, (_, _, rag) in SEED_AUG_2018.items()}
    # Pack: 13 G, 11 A, 0 R of 24 KPIs; the 18 modelled here are 10 G and 8 A.
    assert summary(card.reset_index()).to_dict() == {"G": 10, "A": 8, "R": 0, "not rated": 0}
    # July 2019: HE-02 394/631 = 62.4% is below the 75% floor -> R, as printed.
    july = build(object(), "2019-07-31", config=load(None, 2020, polarities=pol),
                 compute=lambda i, d, as_at: pd.DataFrame(
                     {"numerator": [394], "denominator": [631], "value": [100 * 394 / 631]}),
                 registry=registry, indicators=["HE-02"])
    assert july.loc[0, "rag"] == "R"


def test_publish_declares_its_figures_as_tidy_numbers(card):
    """The scorecard's tidy table (issue 16 item 6): the numbers behind the display strings,
    each with its unit and the date it is for; a [c] figure blank."""
    from cpanalytics.publish import tidy

    out = tidy.frame(publish(card.reset_index()))
    rows = out.set_index(["measure", "date", "statistic"]).sort_index()
    # AD-01: 27,762 / 77 = 360.5 days; 332.0 days at 31 July 2018; target 426 days; England
    # 593 days for 2016/17 (the year ending 31 March 2017).
    assert rows.loc[("AD-01", "2019-07-31", "value"), ["value", "unit"]].tolist() == [360.5, "days"]
    assert rows.loc[("AD-01", "2019-07-31", "numerator"), ["value", "unit"]].tolist() == [27762.0, "days"]
    assert rows.loc[("AD-01", "2018-07-31", "value"), "value"] == 332.0
    assert rows.loc[("AD-01", "2019-07-31", "target"), ["value", "unit"]].tolist() == [426.0, "days"]
    assert rows.loc[("AD-01", "2017-03-31", "England"), "value"] == 593.0
    # PS-01: 165 / 1,706 = 9.7%, target 10%.
    assert rows.loc[("PS-01", "2019-07-31", "value"), ["value", "unit"]].tolist() == [9.7, "%"]
    # IR-02: 3 of 4 -> [c]; its value a year earlier (95.9%) is shown.
    hidden = rows.loc[("IR-02", "2019-07-31")]
    assert hidden.loc[["numerator", "denominator", "value"], "status"].tolist() == ["[c]"] * 3
    assert hidden["value"].loc[["numerator", "denominator", "value"]].isna().all()
    assert rows.loc[("IR-02", "2018-07-31", "value"), ["value", "status"]].tolist() == [95.9, ""]
