"""The performance pack's cover-report sentences (issue 17), hand-worked from small cards.

The wording follows the seed pack for August 2018 (``000_b8520759f08cb6f7.txt``, from line
~795): the summary of performance (3.2), the RAG changes since the previous pack with their
movement in numbers (3.3.1: AD-02 "increased from an average of 112 days in June, to 122 days
in August") and a paragraph for each Amber and Red KPI (3.4).
"""

from __future__ import annotations

import pandas as pd
import pytest
from builders import FakeIndicator

from cpanalytics.errors import UserError
from cpanalytics.pipeline.packs import pack_dates
from cpanalytics.publish import pack, scorecard
from cpanalytics.publish.targets import Config, Target, published_year

REGISTRY = {
    "CIC-04": FakeIndicator("CIC-04", "Re-entries to care", "L", "YTD",
                            phrase="{value} of children starting care had been in care before"),
    "PS-01": FakeIndicator("PS-01", "3 or more placements", "L",
                           phrase="{value} of children in care had three or more placements",
                           short="the share of children with three or more placements"),
    "HE-01": FakeIndicator("HE-01", "IHA requests in 5 working days", "H", "R12M",
                           phrase="{value} of IHA requests were sent in time"),
    "HE-02": FakeIndicator("HE-02", "IHAs within 20 working days", "H", "R12M",
                           phrase="{value} of IHAs were completed in time",
                           short="the share of Initial Health Assessments done on time"),
    "AD-02": FakeIndicator("AD-02", "Days from placement order to match", "L", "R12M", "mean",
                           "days", phrase="An average of {value} days passed before the match"),
    "CL-01": FakeIndicator("CL-01", "Care leavers in touch", "H", "FY",
                           phrase="{value} of care leavers were in touch"),
    "IR-02": FakeIndicator("IR-02", "Participation in reviews", "H", "R12M",
                           phrase="Children participated in {value} of their reviews"),
}

# (numerator, denominator) at the pack's date (31 August 2018) and the previous pack's
# (30 June 2018, two month-ends earlier); any other date (the month before, a year before)
# takes the June figures.
FIGURES = {
    # 10,514/97 = 108.39 days (G, target 121) -> 11,438/94 = 121.68, published 121.7 > 121 (A):
    # the seed's AD-02 in August 2018.
    "AD-02": {"2018-06-30": (10514, 97), "2018-08-31": (11438, 94)},
    # 180/1,593 = 11.30% -> 169/1,579 = 10.70%: both above the 10% target, below the 12%
    # floor (A); lower is better -> improved.
    "PS-01": {"2018-06-30": (180, 1593), "2018-08-31": (169, 1579)},
    # 500/700 = 71.43% (R, floor 75) -> 366/442 = 82.81% (A, target 85): improved.
    "HE-02": {"2018-06-30": (500, 700), "2018-08-31": (366, 442)},
    # 3 of 40 in June: [c], never printed -> 30/40 = 75.0% (R, floor 80).
    "HE-01": {"2018-06-30": (3, 40), "2018-08-31": (30, 40)},
    # 90/100 -> 91/100: Green both times.
    "CL-01": {"2018-06-30": (90, 100), "2018-08-31": (91, 100)},
    # 95/100 (G) -> 3/4: denominator 4 < 5, no RAG (and 3 is [c]).
    "IR-02": {"2018-06-30": (95, 100), "2018-08-31": (3, 4)},
    # 50/289 = 17.30% (A: above target 15, below floor 20) -> 56/444 = 12.61% (G); in May
    # 10/60 = 16.67% (A) on a cohort of 60 children since April.
    "CIC-04": {"2018-06-30": (50, 289), "2018-08-31": (56, 444), "2018-05-31": (10, 60)},
}


def fake_compute(indicator_id, data, as_at):
    day = pd.Timestamp(as_at).strftime("%Y-%m-%d")
    num, den = FIGURES[indicator_id].get(day, FIGURES[indicator_id]["2018-06-30"])
    value = num / den if REGISTRY[indicator_id].kind == "mean" else 100 * num / den
    return pd.DataFrame({"indicator": [indicator_id], "date": [pd.Timestamp(as_at)],
                         "numerator": [num], "denominator": [den], "value": [value],
                         "available": [True]})


def config() -> Config:
    # PS-01's England 2017/18 figure is published in December 2018, 2018/19 in December 2019.
    comparators = pd.DataFrame({
        "INDICATOR": ["PS-01", "PS-01", "PS-01", "PS-01", "PS-01"],
        "YEAR": [2017, 2017, 2017, 2018, 2020],
        "AREA": ["England", "Stat neighbours", "South East", "England", "England"],
        "VALUE": [10.0, 10.7, 12.0, 9.5, 9.0],
    })
    targets = {"CIC-04": Target("CIC-04", 15, 20), "PS-01": Target("PS-01", 10, 12),
               "HE-01": Target("HE-01", 90, 80), "HE-02": Target("HE-02", 85, 75),
               "AD-02": Target("AD-02", 121, 152), "CL-01": Target("CL-01", 85, 80),
               "IR-02": Target("IR-02", 95, 90)}
    return Config(year=2019, targets=targets, comparators=comparators, areas={},
                  nts_threshold={pd.Timestamp("2016-07-01"): 0.0007})


def card(as_at: str | pd.Timestamp) -> pd.DataFrame:
    """The pack's card: England as published by ``as_at``."""
    return scorecard.build(object(), as_at, config=config(), compute=fake_compute,
                           registry=REGISTRY, comparator_year=published_year(as_at))


@pytest.fixture
def frame() -> pd.DataFrame:
    return pack.compare(card("2018-08-31"), card(pack.previous_date("2018-08-31")))


def test_previous_pack_is_two_month_ends_earlier():
    assert pack.previous_date("2018-08-31") == pd.Timestamp("2018-06-30")
    assert pack.previous_date("2019-04-30") == pd.Timestamp("2019-02-28")
    # not a month end: the same day two months earlier
    assert pack.previous_date("2018-08-15") == pd.Timestamp("2018-06-15")


def test_ratings_movements_and_changes(frame):
    f = frame.set_index("indicator")
    assert f["rag"].dropna().to_dict() == {"CIC-04": "G", "PS-01": "A", "HE-01": "R",
                                           "HE-02": "A", "AD-02": "A", "CL-01": "G"}
    assert pd.isna(f.loc["IR-02", "rag"])  # denominator 4 < 5: no RAG
    # June's 3 of 40 is published as [c]: no value, no rating, no movement.
    assert f.loc["HE-01", "before_shown"] == "[c]"
    assert pd.isna(f.loc["HE-01", "before_value"]) and pd.isna(f.loc["HE-01", "before_rag"])
    assert pd.isna(f.loc["HE-01", "movement"])
    # Polarity-aware: PS-01 fell (L) and HE-02 rose (H): both improved; AD-02 rose (L): declined.
    assert f.loc["PS-01", "movement"] == "improving"
    assert f.loc["HE-02", "movement"] == "improving"
    assert f.loc["AD-02", "movement"] == "declining"
    # CIC-04 Amber -> Green, HE-02 Red -> Amber, AD-02 Green -> Amber; HE-01's June rating
    # is not published and IR-02 is not rated now: neither counts as a change.
    assert pack.changes(frame)["indicator"].tolist() == ["CIC-04", "HE-02", "AD-02"]


def test_rag_counts_and_summary(frame):
    # G: CIC-04, CL-01; A: PS-01, HE-02, AD-02; R: HE-01; IR-02 not rated.
    assert pack.rag_counts(frame).to_dict() == {"G": 2, "A": 3, "R": 1, "not rated": 1}
    assert pack.rag_summary(frame) == (
        "The report contains key statistics and performance results for 7 KPIs, 6 of which "
        "are assessed against their target using a Red/Amber/Green (RAG) rating.\n\n"
        "Of the 6 KPIs rated, the RAG status for August 2018 is as follows:\n\n"
        "- 2 are rated Green – target achieved or exceeded\n"
        "- 3 are rated Amber – below target but at or above the floor standard\n"
        "- 1 is rated Red – below the floor standard\n\n"
        "1 KPI is not rated: no target is set, the figure is not available or not published, "
        "or it counts fewer than 5 children."
    )


def test_a_kpi_going_from_green_to_amber_is_named_with_its_numbers(frame):
    # AD-02: 10,514/97 = 108.39 -> 108.4 days in June (Green, target 121); 11,438/94 =
    # 121.68 -> 121.7 days in August (Amber): the seed's 3.3.1 sentence, from the card.
    text = pack.changes_text(frame, REGISTRY, panel="19 September 2018")
    assert text == (
        "The scorecard submitted to the previous panel on 19 September 2018 was for June 2018. "
        "Between the two, the RAG rating of 3 KPIs changed:\n\n"
        "- **Re-entries to care (CIC-04)** changed from Amber in June 2018 to Green in August "
        "2018. Performance for this measure decreased from 17.3% in June 2018 to 12.6% in "
        "August 2018.\n"
        "- **IHAs within 20 working days (HE-02)** changed from Red in June 2018 to Amber in "
        "August 2018. The share of Initial Health Assessments done on time increased from "
        "71.4% in June 2018 to 82.8% in August 2018.\n"
        "- **Days from placement order to match (AD-02)** changed from Green in June 2018 to "
        "Amber in August 2018. Performance for this measure increased from an average of "
        "108.4 days in June 2018 to 121.7 days in August 2018."
    )


def test_no_change_and_no_panel_date():
    same = pack.compare(card("2018-08-31"), card("2018-08-31"))
    assert pack.changes_text(same, REGISTRY) == (
        "The scorecard the panel saw last was for August 2018. Between the two, no KPI's RAG "
        "rating changed.")


def test_comparators_count_from_1_december_of_their_year():
    # DfE "Children looked after in England" for the year ending 31 March Y comes out in
    # November or December of Y: a figure for Y is cited from 1 December Y.
    assert published_year("2018-08-31") == 2017  # 2017/18 not out yet: 2016/17
    assert published_year("2018-11-30") == 2017
    assert published_year("2018-12-31") == 2018
    assert published_year("2019-03-31") == 2018
    # The pack for August 2018 cites PS-01's England 2016/17 (10%), not 2017/18 (9.5%) or
    # 2019/20 (9%); the annual scorecard (reporting year 2018/19) keeps its rule: 2017/18.
    pack_card = card("2018-08-31").set_index("indicator")
    assert (pack_card.loc["PS-01", "england"], pack_card.loc["PS-01", "england_year"]) == (10.0, 2017)
    annual = scorecard.build(object(), "2018-08-31", config=config(), compute=fake_compute,
                             registry=REGISTRY).set_index("indicator")
    assert (annual.loc["PS-01", "england"], annual.loc["PS-01", "england_year"]) == (9.5, 2018)
    # and so do the sentences: the latest published by 31 December 2018 is 2017/18
    assert [(c.area, c.year) for c in pack.comparators(config(), ["PS-01"], year=2018)["PS-01"]] == [
        ("England", 2018), ("statistical neighbours", 2017), ("the South East", 2017)]


def test_amber_and_red_paragraphs(frame):
    comps = pack.comparators(config(), list(frame["indicator"]), year=published_year("2018-08-31"))
    # By 31 August 2018 only the 2016/17 figures are published (2017/18: December 2018).
    assert [(c.area, c.year, c.value) for c in comps["PS-01"]] == [
        ("England", 2017, 10.0), ("statistical neighbours", 2017, 10.7),
        ("the South East", 2017, 12.0)]
    flagged = pack.attention(frame)
    # Improved first (PS-01, HE-02 in scorecard order), then declined, then not comparable.
    assert flagged["indicator"].tolist() == ["PS-01", "HE-02", "AD-02", "HE-01"]
    assert pack.attention_intro(frame) == (
        "For the 4 KPIs rated Amber or Red an update on performance follows. Between June 2018 "
        "and August 2018, 2 improved, 1 declined and 1 had no published figure to compare with.")
    by_id = {r["indicator"]: pack.paragraph(r, REGISTRY, comps[r["indicator"]])
             for _, r in flagged.iterrows()}
    # PS-01 (L): 10.7% is 0.7 points above the 10% target and 12.0 - 10.7 = 1.3 below the
    # 12% floor; against 2016/17 England 10% (above), neighbours 10.7% (in line), SE 12% (below).
    assert by_id["PS-01"] == (
        "**3 or more placements (PS-01): Amber.** 10.7% of children in care had three or more "
        "placements on 31 August 2018. Performance improved from 11.3% in June 2018 to 10.7% "
        "in August 2018. It is 0.7 percentage points above the target of 10% and 1.3 percentage "
        "points below the floor standard of 12%. It is above England 2016/17: 10%, in line "
        "with statistical neighbours 2016/17: 10.7% and below the South East 2016/17: 12%."
    )
    # HE-02 (H): 82.8% is 85 - 82.8 = 2.2 below target, 82.8 - 75 = 7.8 above the floor.
    assert by_id["HE-02"] == (
        "**IHAs within 20 working days (HE-02): Amber.** 82.8% of IHAs were completed in time "
        "in the 12 months to 31 August 2018. Performance improved from 71.4% in June 2018 to "
        "82.8% in August 2018. It is 2.2 percentage points below the target of 85% and 7.8 "
        "percentage points above the floor standard of 75%. No England, statistical neighbour "
        "or regional figure is published for this measure."
    )
    # AD-02 (L, days): 121.7 is 0.7 days above the 121-day target, 30.3 below the 152 floor.
    assert by_id["AD-02"] == (
        "**Days from placement order to match (AD-02): Amber.** An average of 121.7 days "
        "passed before the match in the 12 months to 31 August 2018. Performance declined from "
        "108.4 days in June 2018 to 121.7 days in August 2018. It is 0.7 days above the target "
        "of 121 days and 30.3 days below the floor standard of 152 days. No England, "
        "statistical neighbour or regional figure is published for this measure."
    )
    # HE-01: June's [c] is never printed or compared; 75% is 15 below target, 5 below floor.
    assert by_id["HE-01"] == (
        "**IHA requests in 5 working days (HE-01): Red.** 75.0% of IHA requests were sent in "
        "time in the 12 months to 31 August 2018. There is no published figure for June 2018 "
        "to compare with. It is 15.0 percentage points below the target of 90% and 5.0 "
        "percentage points below the floor standard of 80%. No England, statistical neighbour "
        "or regional figure is published for this measure."
    )
    everything = " ".join([*by_id.values(), pack.changes_text(frame, REGISTRY),
                           pack.rag_summary(frame), pack.attention_intro(frame)])
    assert "[c]" not in everything


def test_ytd_caution_on_small_cohorts_in_the_first_months_of_the_year():
    # 31 May is the second month from 1 April: CIC-04 (YTD) rests on 60 children (under
    # 100: one child moves it by 1.7 points), so it carries the caution, naming its cohort;
    # its 16.7% (10/60) is Amber (target 15, floor 20), so its paragraph says so too.
    may = pack.compare(card("2018-05-31"), card("2018-03-31"))
    assert pack.ytd_caution(may) == (
        "Some indicators are measured year to date (YTD), from 1 April to the end of the month "
        "(Re-entries to care (CIC-04): 60 children). For the first few months of the year "
        "they rest on a small cohort of children, so the percentages can easily be skewed: "
        "treat them with a little caution.")
    row = may[may["indicator"] == "CIC-04"].iloc[0]
    assert row["rag"] == "A"
    assert pack.paragraph(row, REGISTRY).endswith(
        "This is a year-to-date figure for 60 children since 1 April: early in the year it "
        "rests on a small cohort, so treat it with a little caution.")
    # 30 June is still early, but 289 children is not a small cohort: no caution.
    june = pack.compare(card("2018-06-30"), card("2018-04-30"))
    assert june.set_index("indicator").loc["CIC-04", "rag"] == "A"
    assert pack.ytd_caution(june) is None
    assert "caution" not in pack.paragraph(june[june["indicator"] == "CIC-04"].iloc[0], REGISTRY)
    # August is the fifth month: no caution.
    assert pack.ytd_caution(pack.compare(card("2018-08-31"), card("2018-06-30"))) is None


def test_scorecard_table_has_floor_and_monthly_direction():
    table = pack.scorecard_table(card("2018-08-31"))
    assert list(table.columns) == [
        "Indicator", "Measure", "Polarity", "Period", "Value", "Numerator", "Denominator",
        "Target", "Floor", "RAG", "Change since July 2018", "August 2017", "England 2016/17"]
    rows = table.set_index("Indicator")
    assert rows.loc["AD-02", "Floor"] == "152 days"
    assert rows.loc["PS-01", "Floor"] == "12%"
    # PS-01: July (= June's figures) 11.3% -> August 10.7%, lower is better: Better.
    assert rows.loc["PS-01", "Change since July 2018"] == "Better"
    assert rows.loc["AD-02", "Change since July 2018"] == "Worse"
    # IR-02's 3 of 4 is [c]: no RAG and no direction beside it.
    assert rows.loc["IR-02", "Value"] == "[c]"
    assert rows.loc["IR-02", "RAG"] == "" and rows.loc["IR-02", "Change since July 2018"] == ""
    assert table.attrs["disclosure"]["cells"]  # the published counts, for the audit


def _counts(now, before, year_ago):
    return pd.DataFrame({
        "activity": ["Children starting care", "of whom UASC", "Adoption orders"],
        "measure": ["CIC-03S", "CIC-03S", "AD-04"],
        "where": [None, {"uasc": "UASC"}, {"stage": "Adoption order"}],
        "now": now, "before": before, "year_ago": year_ago})


def test_activity_in_the_month_and_the_year_so_far():
    # Year to date at 31 August 444 starters, at 31 July 370: 74 in August; 70 UASC since
    # April, 67 by July: 3 in August, shown [c]; adoption orders 35 - 26 = 9; a year earlier
    # (April to August 2017) 425, 78 and 48.
    table = pack.activity(_counts([444, 70, 35], [370, 67, 26], [425, 78, 48]),
                          pd.Timestamp("2018-08-31"))
    assert list(table.columns) == ["Activity", "August 2018", "April to August 2018",
                                   "April to August 2017"]
    assert table.to_dict("list") == {
        "Activity": ["Children starting care", "of whom UASC", "Adoption orders"],
        "August 2018": ["74", "[c]", "9"], "April to August 2018": ["444", "70", "35"],
        "April to August 2017": ["425", "78", "48"]}
    keys = {(c["column"], c["row"]): c["key"] for c in table.attrs["disclosure"]["cells"]}
    # the year-to-date columns are the measures' own figures; the month's are their own
    assert keys[("April to August 2018", 1)] == "CIC-03S|2018-08-31|count|uasc=UASC"
    assert keys[("April to August 2017", 2)] == "AD-04|2017-08-31|count|stage=Adoption order"
    assert keys[("August 2018", 0)] == "CIC-03S|2018-08-31|count|in=month"


def test_activity_in_april_is_the_year_so_far():
    # In April the month is the year so far (31 March closed the previous year): 95 - nothing.
    table = pack.activity(_counts([95, 12, 3], [1000, 170, 96], [82, 8, 2]),
                          pd.Timestamp("2018-04-30"))
    assert table.to_dict("list") == {
        "Activity": ["Children starting care", "of whom UASC", "Adoption orders"],
        "April 2018": ["95", "12", "[c]"], "April 2017": ["82", "8", "[c]"]}


@pytest.mark.parametrize(("args", "code"), [
    ([], "E343"),
    (["--as-at", "2018-08-31", "--from", "2018-04-30", "--to", "2019-03-31"], "E343"),
    (["--from", "2018-04-30"], "E343"),
    (["--from", "2018-04-30", "--to", "2019-03-31", "--previous", "2018-02-28"], "E343"),
    (["--from", "2018-04-30", "--to", "2019-03-31", "--every", "0"], "E344"),
    (["--as-at", "2018-08-31", "--previous", "2018-08-31"], "E344"),
    (["--from", "2019-03-31", "--to", "2018-04-30"], "E308"),
    (["--as-at", "08/31/2018"], "E304"),
    (["--as-at", "2018-08-15"], "E345"),
    (["--as-at", "2018-08-31", "--previous", "2018-06-15"], "E345"),
    (["--from", "2018-04-15", "--to", "2019-03-31"], "E345"),
    (["--from", "2018-04-30", "--to", "2019-03-30"], "E345"),
])
def test_pack_command_refuses_bad_dates(tmp_path, capsys, args, code):
    from cpanalytics.cli.main import main

    assert main(["pack", "--data", str(tmp_path), "--out", str(tmp_path / "out"), *args]) == 2
    assert f"error {code}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_pack_date_that_is_not_a_month_end_names_the_month_end(tmp_path, capsys):
    from cpanalytics.cli.main import main

    assert main(["pack", "--data", str(tmp_path), "--as-at", "15/08/2018"]) == 2
    err = capsys.readouterr().err
    assert "error E345: --as-at 2018-08-15 is not a month-end" in err
    assert "give the month-end, --as-at 2018-08-31" in err
    # the pipeline refuses it too (an API caller), before taking any lock
    from cpanalytics.pipeline import BuildOptions, checked

    with pytest.raises(UserError) as refused:
        checked(BuildOptions(data_dir=tmp_path, year=2019, out=tmp_path / "out", document="pack",
                             as_at=pd.Timestamp("2018-08-31").date(),
                             previous=pd.Timestamp("2018-06-29").date()))
    assert (refused.value.code, refused.value.fix) == ("E345", "give the month-end, --previous 2018-06-30")
    assert not (tmp_path / "out").exists()


def test_catch_up_dates():
    # every second month-end from April 2018 to March 2019: six packs
    dates = pack_dates(pd.Timestamp("2018-04-30"), pd.Timestamp("2019-03-31"), 2)
    assert [f"{d:%Y-%m-%d}" for d in dates] == [
        "2018-04-30", "2018-06-30", "2018-08-31", "2018-10-31", "2018-12-31", "2019-02-28"]
    # a start inside a month starts at its month-end
    assert pack_dates(pd.Timestamp("2018-04-15"), pd.Timestamp("2018-07-31"), 3)[-1] == pd.Timestamp("2018-07-31")


def test_sparkline_titles_carry_the_label_and_the_value_as_the_scorecard_prints_it():
    from cpanalytics.publish import charts

    months = pd.date_range("2017-09-30", "2018-08-31", freq="ME")

    def series(ind_id: str, numerators: list[int], denominator: int, scale: float) -> pd.DataFrame:
        values = [scale * n / denominator for n in numerators]
        return pd.DataFrame({"indicator": ind_id, "date": months, "numerator": numerators,
                             "denominator": denominator, "value": values, "available": True})

    # AD-01 (mean days): 33,906 days over 100 children = 339.06, printed 339.1 days (not the
    # sentence's 339); PS-01: 16/150 = 10.67%, printed 10.7%, under its registry short label;
    # HE-01's last 3 of 40 is [c] and PS-05's last month is missing, [x], as in the table.
    missing = series("PS-05", [30] * 12, 40, 100.0)
    missing.loc[11, ["numerator", "value", "available"]] = [float("nan"), float("nan"), False]
    fig = charts.kpi_sparklines(
        {"AD-01": series("AD-01", [33_000 + 82 * k for k in range(11)] + [33_906], 100, 1.0),
         "PS-01": series("PS-01", [20] * 11 + [16], 150, 100.0),
         "HE-01": series("HE-01", [30] * 11 + [3], 40, 100.0), "PS-05": missing},
        la_name="Anyshire", ratings={"AD-01": "A", "PS-01": "G"})
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == [
        "A1: Days from entering care to\nmoving in with the adoptive\nfamily\nAD-01: 339.1 days",
        "The share of children with three\nor more placements\nPS-01: 10.7%",
        "The share of health assessment\nrequests sent on time\nHE-01: [c]",
        "Children in care 18+ months with\nthe same social worker for 12\nmonths\nPS-05: [x]"]


@pytest.mark.parametrize(("la_name", "council"), [
    ("Local authority", "the local authority"),  # no --la-name: a neutral phrase
    ("Anyshire County Council", "Anyshire County Council"),
])
def test_the_summary_names_the_council_or_a_neutral_phrase(tmp_path, monkeypatch, la_name, council):
    from cpanalytics.publish import committee
    from cpanalytics.runtime import notebook as nb
    from cpanalytics.runtime.sections import SECTIONS
    from cpanalytics.runtime.sections.context import Context

    ctx = Context(notebook="pack", data=None, date=pd.Timestamp("2018-08-31"), out=tmp_path,
                  refs=None, la_name=la_name, results={"pack committee": committee.load(tmp_path)})
    shown: list[str] = []
    monkeypatch.setattr(nb, "show_text", shown.append)
    SECTIONS["txt-pack-header"].func(ctx)
    assert (f"the children and young people looked after by {council}. The latest scorecard, "
            "for August 2018, is attached to this report.") in shown[0]
