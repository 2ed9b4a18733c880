"""Charts: active titles, subtitles, palette, gridlines, font sizes, alt text, SVG."""

from __future__ import annotations

import json

import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import pandas as pd
from afcharts.af_colours import get_af_colours

from cpanalytics.publish import charts, publication_audit
from cpanalytics.publish.targets import Comparator

LA = "Synthetic County Council"
MONTHS = pd.date_range("2024-03-31", "2025-03-31", freq="ME")  # 13 month ends


def ps01_series(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"indicator": "PS-01", "date": MONTHS, "numerator": 0,
                         "denominator": 0, "value": values, "available": True})


def texts(fig) -> list:
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize")) if t.get_text()]


def test_palette_is_the_analysis_function_categorical_palette():
    assert [c.upper() for c in charts.PALETTE] == [
        c.upper() for c in get_af_colours("categorical", number_of_colours=6)]


def test_trend_title_subtitle_reference_lines_and_alt_text():
    # 11.2% a year ago (31 March 2024) falling by 0.125 a month to 9.7% on 31 March 2025.
    values = [11.2 - 0.125 * i for i in range(13)]
    england = Comparator(10.7, 2024, report_year=2025)
    fig = charts.indicator_trend(ps01_series(values), la_name=LA, target=10, england=england)
    ax = fig.axes[0]
    assert fig._suptitle.get_text().replace("\n", " ") == (
        "The share of children with three or more placements fell from 11.2% to 9.7% over "
        "the last 12 months")
    assert ax.get_title(loc="left").replace("\n", " ") == (
        "Children in care with 3 or more placements in the last 12 months, Synthetic County "
        "Council, March 2024 to March 2025")
    assert ax.get_xlabel() == "Month end" and ax.get_ylabel() == "Percentage"
    data_line, target, england = ax.lines
    assert mcolors.to_hex(data_line.get_color()).upper() == "#12436D"
    assert list(target.get_ydata()) == [10, 10] and list(england.get_ydata()) == [10.7, 10.7]
    # England carries its year in the legend and the alt text (issue 12).
    assert england.get_label() == "England 2023/24: 10.7%"
    assert fig.alt_text == (
        "Line chart of children in care with 3 or more placements in the last 12 months at "
        "each month end from March 2024 to March 2025. It fell from 11.2% to 9.7%. The "
        "target is 10%. England 2023/24: 10.7%.")


def test_only_horizontal_gridlines_and_legible_fonts():
    fig = charts.indicator_trend(ps01_series([10.0] * 13), la_name=LA, target=10)
    ax = fig.axes[0]
    assert all(line.get_visible() for line in ax.get_ygridlines())
    assert not any(line.get_visible() for line in ax.get_xgridlines())
    assert min(t.get_fontsize() for t in texts(fig)) >= 9
    width, height = fig.get_size_inches()
    assert round(width * 2.54) == 16 and round(height * 2.54) == 9
    assert fig._suptitle.get_text().startswith("The share of children with three or more "
                                               "placements stayed at 10.0%")


def test_grouped_stacked_counts_use_palette_order_and_total_in_title():
    # Citizen 1,400 -> 1,390 and UASC 200 -> 316 over the year: total 1,600 -> 1,706.
    rows = []
    for i, date in enumerate(MONTHS):
        rows += [{"indicator": "CIC-01", "date": date, "uasc": "Citizen",
                  "value": 1400 - (10 if i == 12 else 0)},
                 {"indicator": "CIC-01", "date": date, "uasc": "UASC",
                  "value": 200 + (116 if i == 12 else 0)}]
    fig = charts.indicator_trend(pd.DataFrame(rows), la_name=LA, group="uasc", stacked=True)
    title = fig._suptitle.get_text().replace("\n", " ")
    assert title == ("The number of children in care rose from 1,600 to 1,706 over the last "
                     "12 months")
    fills = [mcolors.to_hex(c.get_facecolor()[0]).upper() for c in fig.axes[0].collections]
    assert fills[:2] == ["#12436D", "#28A197"]
    assert "Citizen: fell from 1,400 to 1,390; UASC: rose from 200 to 316" in fig.alt_text


def test_rag_bands_follow_polarity():
    # HE-02 (higher is better): red below the 75 floor, amber to the 85 target, green above.
    frame = pd.DataFrame({"indicator": "HE-02", "date": MONTHS, "value": [80.0] * 13})
    fig = charts.indicator_trend(frame, la_name=LA, target=85, floor=75)
    labels = [p.get_label() for p in fig.axes[0].patches]
    assert labels == ["Red: beyond the floor", "Amber: short of target", "Green: target met"]


def test_period_counts_hides_small_bars():
    # Adoption orders: 110 then 3 ([c]: not drawn, labelled) then 125.
    results = {fy: pd.DataFrame({"stage": ["Adoption order", "Match"], "count": [n, 50]})
               for fy, n in [("2022-23", 110), ("2023-24", 3), ("2024-25", 125)]}
    fig = charts.period_counts(results, "stage", "Adoption order", la_name=LA,
                               measure="Adoption orders")
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[0] == 110 and heights[2] == 125 and pd.isna(heights[1])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "2022-23", "2023-24 [c]", "2024-25"]
    assert fig._suptitle.get_text() == "Adoption orders rose from 110 to 125 between 2022-23 and 2024-25"
    assert "2023-24 [c]: not shown" in fig.alt_text


def test_measures_bars_title_counts_targets_met():
    # CL-01 86.4 >= 85 met; CL-02 58.0 < 65 not met; CL-03 93.1 >= 90 met -> 2 of 3.
    results = [pd.DataFrame([{"indicator": i, "date": MONTHS[-1], "numerator": 100,
                              "denominator": 200, "value": v, "available": True}])
               for i, v in [("CL-01", 86.4), ("CL-02", 58.0), ("CL-03", 93.1)]]
    fig = charts.measures_bars(results, la_name=LA, period="2024-25",
                               targets={"CL-01": 85, "CL-02": 65, "CL-03": 90})
    assert fig._suptitle.get_text() == "2 of 3 measures met their target"
    assert "Care leavers in touch: Synthetic County Council 86.4%, Target 85.0%" in fig.alt_text


def test_svg_is_vector_text_and_reproducible():
    first, second = (charts.svg(charts.indicator_trend(ps01_series([10.0] * 13), la_name=LA))
                     for _ in range(2))
    assert first == second  # same chart, same bytes: no date stamp, salted ids
    assert first.lstrip().startswith("<?xml") and "<image" not in first
    assert "<text" in first and "March 2024 to March 2025" in first  # text stays text


def test_small_points_are_left_out_of_trends():
    # Month 6: 3 of 40 children (7.5%): a numerator below 5 is [c], so that point is not drawn.
    frame = ps01_series([10.0] * 13).assign(numerator=50, denominator=500)
    frame.loc[6, ["numerator", "denominator", "value"]] = [3, 40, 7.5]
    drawn = charts.indicator_trend(frame, la_name=LA).axes[0].lines[0].get_ydata()
    assert pd.isna(drawn[6]) and list(drawn[:6]) == [10.0] * 6
    kept = charts.indicator_trend(frame, la_name=LA, suppress=False).axes[0].lines[0].get_ydata()
    assert kept[6] == 7.5


def test_a_count_trend_records_its_points_for_the_disclosure_audit(tmp_path):
    # UA-01's numerator each month: 3 in month 6 is not drawn and is recorded as [c].
    frame = ps01_series([10.0] * 13).assign(indicator="UA-01", numerator=50, denominator=500)
    frame.loc[6, "numerator"] = 3
    publication_audit.record_to(tmp_path)
    try:
        drawn = charts.numerator_trend(frame, la_name=LA).axes[0].lines[0].get_ydata()
    finally:
        publication_audit.record_to(None)
    (record,) = [json.loads(p.read_text()) for p in (tmp_path / publication_audit.SIDECAR_DIR).glob("*.json")]
    cells = record["cells"]
    assert pd.isna(drawn[6]) and cells[6]["shown"] == "[c]" and cells[0]["shown"] == "50"
    assert cells[6]["key"] == publication_audit.figure_key("UA-01", MONTHS[6], "numerator")
    assert len(cells) == 13 and not record["suppressible"]


def test_a_dollar_or_emoji_in_the_la_name_is_drawn_as_text():
    """``$`` is not mathtext (issue 13: `--la-name` with `$`, `#set` or an emoji)."""
    name = "Any $\\undefinedcmd{$ #set Council $x$"
    fig = charts.indicator_trend(ps01_series([10.0] * 13), la_name=name, target=10)
    title = fig.axes[0].get_title(loc="left")
    assert name in title.replace("\n", " ")
    svg = charts.svg(fig)  # drawing would raise ParseFatalException if $...$ were parsed
    assert "undefinedcmd" in svg


def tick_labels(ax, axis: str = "y") -> list[str]:
    ax.figure.draw_without_rendering()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def test_percentage_axis_runs_from_zero_past_the_data_to_a_labelled_top_tick():
    # Issue 15, IRO Figure 1: a 97% series rode above the last tick (80%). 97% with 2%
    # headroom is 98.9%: ticks every 20 points from 0 reach it at 100%.
    frame = ps01_series([96.0] * 12 + [97.0]).assign(indicator="IR-01")
    ax = charts.indicator_trend(frame, la_name=LA, target=98).axes[0]
    assert ax.get_ylim() == (0.0, 100.0)
    assert list(ax.get_yticks()) == [0, 20, 40, 60, 80, 100]
    assert tick_labels(ax) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    # PS-01 at 8.9% with a 10% target: 10.2% is reached at 12.5% (steps of 2.5 points).
    ax = charts.indicator_trend(ps01_series([8.9] * 13), la_name=LA, target=10).axes[0]
    assert ax.get_ylim() == (0.0, 12.5) and tick_labels(ax)[-1] == "12.5%"
    assert charts.y_ticks(1706, "count") == [0, 500, 1000, 1500, 2000]
    assert charts.y_ticks(100, "%")[-1] == 100  # never past 100%


def test_every_line_is_in_the_legend_the_authoritys_own_included():
    england = Comparator(10.7, 2024, report_year=2025)
    fig = charts.indicator_trend(ps01_series([10.0] * 13), la_name=LA, target=10,
                                 england=england)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        LA, "Target (10%)", "England 2023/24: 10.7%"]


def test_month_end_points_are_labelled_with_their_own_month():
    # 31 March 2024 is "Mar", not the next tick "Apr" (issue 15). 13 month ends: every 2nd,
    # counting back from the last, with the year under the first and at each new year.
    ax = charts.indicator_trend(ps01_series([10.0] * 13), la_name=LA).axes[0]
    ends = MONTHS[::2]
    assert list(ax.get_xticks()) == list(mdates.date2num(ends.to_pydatetime()))
    assert tick_labels(ax, "x") == ["Mar\n2024", "May", "Jul", "Sep", "Nov", "Jan\n2025", "Mar"]
    # Five years of month ends (April 2020 to March 2025): each March, every label with its year.
    ticks, labels = charts.month_ticks(pd.Series(pd.date_range("2020-04-30", "2025-03-31", freq="ME")))
    assert labels == ["Mar\n2021", "Mar\n2022", "Mar\n2023", "Mar\n2024", "Mar\n2025"]
    assert ticks[-1] == pd.Timestamp("2025-03-31")


def he_series(indicator: str, citizen: float, uasc: float) -> pd.DataFrame:
    rows = [{"indicator": indicator, "date": d, "uasc": g, "numerator": v, "denominator": 100,
             "value": v} for d in MONTHS for g, v in (("Citizen", citizen), ("UASC", uasc))]
    return pd.DataFrame(rows)


def he_total(indicator: str, start: float, end: float) -> pd.DataFrame:
    values = [start] * 12 + [end]
    return pd.DataFrame({"indicator": indicator, "date": MONTHS, "numerator": values,
                         "denominator": 100, "value": values})


def test_the_headline_a_title_describes_is_drawn():
    # The title reads the "All children" headline (70.7% -> 70.0%); that line is drawn and in
    # the legend, before the citizen and UASC lines (issue 15: the title described a line the
    # chart did not draw).
    fig = charts.indicator_trend(he_series("HE-02", 73.0, 52.0), la_name=LA, group="uasc",
                                 headline=he_total("HE-02", 70.7, 70.0), target=85, floor=75)
    ax = fig.axes[0]
    assert fig._suptitle.get_text().replace("\n", " ") == (
        "The share of Initial Health Assessments done on time fell from 70.7% to 70.0% over "
        "the last 12 months")
    assert [line.get_label() for line in ax.lines[:3]] == ["All children", "Citizen", "UASC"]
    assert list(ax.lines[0].get_ydata())[-1] == 70.0
    assert [t.get_text() for t in fig.legends[0].get_texts()][:3] == [
        "All children", "Citizen", "UASC"]


def test_panels_draw_each_measures_bands_behind_its_own_lines():
    # HE-01: target 90, floor 80; HE-02: target 85, floor 75 (higher is better). Each panel
    # shades red to its own floor, amber to its own target and green to the top (100%).
    fig = charts.indicator_panels(
        {"HE-01": he_series("HE-01", 88.0, 84.0), "HE-02": he_series("HE-02", 73.0, 52.0)},
        la_name=LA, group="uasc",
        headlines={"HE-01": he_total("HE-01", 88.5, 86.2), "HE-02": he_total("HE-02", 70.7, 70.0)},
        targets={"HE-01": 90, "HE-02": 85}, floors={"HE-01": 80, "HE-02": 75},
        title_from="HE-02", suppress=False)
    top, bottom = fig.axes
    for ax, (floor, target) in ((top, (80, 90)), (bottom, (75, 85))):
        bands = [(p.get_label(), p.get_y(), p.get_y() + p.get_height()) for p in ax.patches]
        assert bands == [("Red: beyond the floor", 0, floor), ("Amber: short of target", floor, target),
                         ("Green: target met", target, 100)]
        assert [line.get_label() for line in ax.lines] == ["All children", "Citizen", "UASC", "Target"]
        assert list(ax.lines[-1].get_ydata()) == [target, target]
    assert fig._suptitle.get_text().replace("\n", " ") == (
        "The share of Initial Health Assessments done on time fell from 70.7% to 70.0% over "
        "the last 12 months")
    assert top.get_title(loc="left").replace("\n", " ") == (
        "Synthetic County Council, March 2024 to March 2025 IHA requests sent to health within "
        "5 working days of becoming looked after (HE-01): fell from 88.5% to 86.2%")
    assert bottom.get_title(loc="left").replace("\n", " ").endswith("(HE-02): fell from 70.7% to 70.0%")
    # One legend for both panels: each line and band once.
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "All children", "Citizen", "UASC", "Target", "Red: beyond the floor",
        "Amber: short of target", "Green: target met"]
    assert "The target is 90%." in fig.alt_text and "The target is 85%." in fig.alt_text
