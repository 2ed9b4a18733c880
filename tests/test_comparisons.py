"""Ad hoc comparisons: the authority against comparators by year, and its chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from cpanalytics.publish.comparisons import compare, headline, period_label, plot_compare
from cpanalytics.publish.targets import Comparator, Config, load


@dataclass(frozen=True)
class FakeIndicator:
    id: str
    title: str
    polarity: str | None
    unit: str = "%"


REGISTRY = {"PS-01": FakeIndicator("PS-01", "Children with 3 or more placements", "L")}

# PS-01 (numerator, denominator) at 31 March of each year.
FIGURES = {2017: (180, 1614), 2018: (188, 1653), 2019: (160, 1650), 2016: (3, 40),
           2020: (150, 1650)}


def fake_compute(indicator_id, data, as_at):
    when = pd.Timestamp(as_at)
    num, den = FIGURES[when.year]
    return pd.DataFrame({"indicator": [indicator_id], "date": [when], "numerator": [num],
                         "denominator": [den], "value": [100 * num / den], "available": True})


def _config() -> Config:
    comparators = pd.DataFrame({
        "INDICATOR": ["PS-01"] * 5 + ["PS-02"],
        "YEAR": [2017, 2017, 2017, 2019, 2015, 2017],
        "AREA": ["England", "Stat neighbours", "South East", "England", "England", "England"],
        "VALUE": [10.0, 10.7, 12.0, 11.0, 10.0, 70.0],
        "NOTE": ["LAIT 2016/17", "", "", "", "", ""],
    })
    return Config(year=2019, targets={}, comparators=comparators, areas={},
                  nts_threshold={pd.Timestamp("2016-07-01"): 0.0007})


def _compare(**kwargs):
    return compare("PS-01", object(), config=_config(), compute=fake_compute, registry=REGISTRY,
                   la_name="Synthetic County", **kwargs)


def test_compare_table():
    table = _compare(years=[2017, 2018, 2019])
    # Authority rows: 180/1614 = 11.15%, 188/1653 = 11.37%, 160/1650 = 9.70%.
    ours = table[table["area"] == "Synthetic County"].set_index("year")["value"]
    assert ours.round(2).to_dict() == {2017: 11.15, 2018: 11.37, 2019: 9.70}
    # Comparators for PS-01 in 2017-2019 only (2015 and PS-02 left out), ordered by year
    # then authority, England, Stat neighbours, South East.
    assert list(zip(table["period"], table["area"], strict=True)) == [
        ("2016/17", "Synthetic County"), ("2016/17", "England"),
        ("2016/17", "Stat neighbours"), ("2016/17", "South East"),
        ("2017/18", "Synthetic County"),
        ("2018/19", "Synthetic County"), ("2018/19", "England"),
    ]
    assert table.loc[1, "value"] == 10.0 and table.loc[1, "source"] == "LAIT 2016/17"
    assert table.loc[2, "source"] == "comparators.csv"
    assert not table["suppressed"].any()
    assert "CHILD" not in table.columns


def test_compare_default_years_from_as_at_and_small_numbers():
    # as_at 31 March 2019 -> reporting years 2015..2019; FIGURES has no 2015, so ask 2016-19.
    table = _compare(as_at="2019-03-31", years=range(2016, 2020))
    ours = table[table["area"] == "Synthetic County"].set_index("year")
    # 2016: 3 of 40 children -> numerator below 5 -> suppressed in publications.
    assert ours["suppressed"].to_dict() == {2016: True, 2017: False, 2018: False, 2019: False}


def test_headline_uses_polarity():
    table = _compare(years=[2017, 2018, 2019])
    # Latest year with both: 2018/19, 9.7% against England 11.0%; lower is better (L).
    assert headline(table) == (
        "Synthetic County did better than England in 2018/19 (9.7% against 11.0%)"
    )


def test_plot_compare():
    table = _compare(years=[2016, 2017, 2018, 2019])
    fig = plot_compare(table=table)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["Synthetic County", "England", "Stat neighbours", "South East"]
    assert lines["Synthetic County"].get_color() == "#12436D"
    # The 2016 value is suppressed: not drawn (NaN), the others are.
    ydata = lines["Synthetic County"].get_ydata()
    assert pd.isna(ydata[0]) and ydata[3] == pytest.approx(9.697, abs=1e-3)
    assert fig._suptitle.get_text().startswith("Synthetic County did better than England")
    assert "2015/16 to 2018/19" in ax.get_title(loc="left").replace("\n", " ")
    assert "Synthetic County: 2016/17 11.2%, 2017/18 11.4%, 2018/19 9.7%" in fig.alt_text


def test_period_label():
    assert period_label(2019) == "2018/19"
    assert period_label(2000) == "1999/00"


# --- Comparators carry their year (issue 12, "Comparators and dates") -------------------


def test_headline_notes_an_old_comparison_year():
    # England PS-01 only for 2016/17 (10.0%) once 2018/19 is dropped; the table runs to
    # 2019/20: 2016/17 is the latest year with both, 3 (more than two) years before -> a note.
    # 180/1614 = 11.2%, above England's 10.0%; lower is better.
    config = _config()
    config = Config(year=2020, targets={}, areas={}, nts_threshold=config.nts_threshold,
                    comparators=config.comparators[config.comparators["YEAR"] != 2019])
    table = compare("PS-01", object(), config=config, compute=fake_compute, registry=REGISTRY,
                    la_name="Synthetic County", years=[2017, 2018, 2019, 2020])
    assert headline(table) == (
        "Synthetic County did worse than England in 2016/17 (11.2% against 10.0%; the "
        "latest year with both, 3 years before 2019/20)")


@dataclass
class FakeData:
    years: list[int]


def test_years_before_the_data_have_no_value_for_the_authority():
    # Data for collection years 2018-2019 covers 1 April 2017 to 31 March 2019: the
    # authority's 2015/16 and 2016/17 (31 March 2016 and 2017) would be untrue numbers.
    table = compare("PS-01", FakeData([2018, 2019]), config=_config(), compute=fake_compute,
                    registry=REGISTRY, la_name="Synthetic County", years=[2016, 2017, 2018, 2019])
    ours = table[table["area"] == "Synthetic County"]
    assert ours["year"].tolist() == [2018, 2019]
    assert table.attrs["before_data"] == [2016, 2017]
    # England 2016/17 stays: it is a published figure, shown for its own year.
    assert table[table["area"] == "England"]["year"].tolist() == [2017, 2019]
    assert table.attrs["latest"]["England"].label == "England 2018/19"


def test_comparator_label_and_age_note():
    # More than two years older than the report gets the note; two years does not.
    old = Comparator(593.0, 2017, report_year=2025)
    assert old.label == "England 2016/17"
    assert old.describe("593") == (
        "England 2016/17: 593 (latest available; 8 years older than this report)")
    assert old.describe("593", area=False) == (
        "2016/17: 593 (latest available; 8 years older than this report)")
    assert Comparator(70.0, 2023, report_year=2025).describe("70%") == "England 2022/23: 70%"


def test_config_latest_is_like_for_like_by_indicator_and_year():
    config = _config()
    # PS-01 England: latest published for 2018/19 or before is 2018/19 (11.0).
    assert config.latest("PS-01") == Comparator(11.0, 2019, 2019, "England")
    assert config.latest("PS-01", "South East") == Comparator(12.0, 2017, 2019, "South East")
    # Never borrowed from another measure: no CL-02 figure stands in for a local variant.
    assert config.latest("CL-02L") is None


def test_packaged_comparators_are_like_for_like():
    # The packaged figures predate 2019 (issue 12). Rows whose published definition is not
    # ours are left out: CIC-02 2018 (all children, UASC included), CIC-08 (more than 20
    # miles away and outside the LA, not "outside the LA"), AD-06 (adopted only, no SGOs).
    packaged = load(None, 2025).comparators
    assert packaged["YEAR"].max() < 2019
    assert not ((packaged["INDICATOR"] == "CIC-02") & (packaged["YEAR"] == 2018)).any()
    assert not packaged["INDICATOR"].isin(["CIC-08", "AD-06"]).any()
    assert load(None, 2025).latest("CIC-02").describe("57.8") == (
        "England 2016/17: 57.8 (latest available; 8 years older than this report)")


def test_measures_bars_legend_names_the_year_of_england():
    from cpanalytics.publish import charts

    results = [pd.DataFrame([{"indicator": i, "date": pd.Timestamp("2025-03-31"),
                              "numerator": 100, "denominator": 200, "value": 50.0,
                              "available": True}]) for i in ("CL-01", "CL-02")]
    england = {"CL-01": Comparator(90.6, 2017, 2025), "CL-02": Comparator(58.6, 2017, 2025)}
    fig = charts.measures_bars(results, la_name="Synthetic County", period="2024-25",
                               england=england)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[-1] == "England 2016/17 (latest available; 8 years older than this report)"
    assert "England 2016/17 (latest available; 8 years older than this report) 90.6%" in fig.alt_text


def test_a_comparator_for_a_local_variant_is_refused():
    # CL-02L divides by those in touch; England publishes shares of the whole DfE cohort
    # (CL-02), so a figure for CL-02L could only be compared unlike for like.
    from cpanalytics.errors import UserError

    frame = pd.DataFrame({"INDICATOR": ["CL-01", "CL-02L"], "YEAR": ["2019", "2019"],
                          "AREA": ["England", "England"], "VALUE": ["88", "58.6"]})
    with pytest.raises(UserError) as caught:
        load(None, 2019, local_comparators=frame)
    assert caught.value.code == "E324" and caught.value.row == 3
    assert "CL-02L is a local measure, not comparable with England" in str(caught.value)
    assert "compare with CL-02" in caught.value.fix


def test_trend_chart_legend_and_alt_text_carry_an_old_england_year():
    from cpanalytics.publish import charts

    months = pd.date_range("2024-03-31", "2025-03-31", freq="ME")
    series = pd.DataFrame({"indicator": "PS-01", "date": months, "numerator": 0,
                           "denominator": 0, "value": 9.7, "available": True})
    england = Comparator(10.0, 2017, report_year=2025)
    fig = charts.indicator_trend(series, la_name="Synthetic County", england=england,
                                 suppress=False)
    [line] = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("England")]
    # The comparator as set: a whole 10 prints "10%", as in the tables (issue 15).
    assert line.get_label().replace("\n", " ") == (
        "England 2016/17: 10% (latest available; 8 years older than this report)")
    assert fig.alt_text.endswith(
        "England 2016/17: 10% (latest available; 8 years older than this report).")
