"""Ad hoc comparisons: the authority against comparators by year, and its chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from cpanalytics.comparisons import compare, headline, period_label, plot_compare
from cpanalytics.config import Config


@dataclass(frozen=True)
class FakeIndicator:
    id: str
    title: str
    polarity: str | None
    unit: str = "%"


REGISTRY = {"PS-01": FakeIndicator("PS-01", "Children with 3 or more placements", "L")}

# PS-01 (numerator, denominator) at 31 March of each year.
FIGURES = {2017: (180, 1614), 2018: (188, 1653), 2019: (160, 1650), 2016: (3, 40)}


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
