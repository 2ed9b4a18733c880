"""Tidy numeric tables beside the formatted ones (issue 16 item 6): built from the numbers
and units the tables are made from, one row per measure, date and group, the markers in a
status column of their own, and never a number behind a [c]."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.pipeline import privacy
from cpanalytics.publish import tables, tidy
from cpanalytics.publish.publication_audit import describe, figure_key, hide
from cpanalytics.publish.targets import Comparator
from cpanalytics.runtime import notebook as nb

DATE = pd.Timestamp("2025-03-31")


def _result(measure: str, category: str, counts: dict[str, int]) -> pd.DataFrame:
    """A table-type indicator result, as ``compute`` returns it."""
    return pd.DataFrame({"indicator": measure, "date": DATE, category: list(counts),
                         "count": list(counts.values())})


def _rows(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return frame.set_index(list(keys))


def test_a_percentage_table_has_counts_and_percentages_with_their_units() -> None:
    # PS-04 reasons: 111 + 45 + 145 + 3 = 304. "Other" (3) is [c]; secondary suppression
    # hides the next smallest, 45, as the total is shown; each % goes with its count.
    # Shown: 111/304 = 36.51% -> 36.5; 145/304 = 47.70% -> 47.7; the total 100.
    result = _result("PS-04", "reason", {"Adopted": 111, "Special guardianship order": 45,
                                         "Returned home to parents": 145, "Other": 3})
    shown = tables.marginal(result, "reason", merge=False)
    out = tidy.frame(shown)
    assert out is not None
    assert list(out.columns) == ["row", "column", "measure", "date", "Reason", "statistic",
                                 "value", "unit", "status"]
    rows = _rows(out, "Reason", "statistic")
    assert rows.loc[("Adopted", "count"), ["value", "unit", "status"]].tolist() == [111.0, "count", ""]
    assert rows.loc[("Adopted", "percentage"), ["value", "unit", "status"]].tolist() == [36.5, "%", ""]
    assert rows.loc[("Returned home to parents", "percentage"), "value"] == 47.7
    assert rows.loc[("Total", "count"), "value"] == 304.0
    assert rows.loc[("Total", "percentage"), "value"] == 100.0
    for reason in ("Other", "Special guardianship order"):
        for statistic in ("count", "percentage"):
            assert rows.loc[(reason, statistic), "status"] == "[c]"
            assert pd.isna(rows.loc[(reason, statistic), "value"])
    assert set(out["measure"]) == {"PS-04"} and set(out["date"]) == {"2025-03-31"}
    assert pd.api.types.is_float_dtype(out["value"])


def test_a_days_table_keeps_days_on_the_value_numerator_target_and_england() -> None:
    # AD-01 (DfE A1, average days from entering care to moving in with the adopters):
    # 27,762 days over 77 children = 360.545 -> 360.5 as shown; target 426 days; England
    # 2016/17 (the year ending 31 March 2017) 593 days.
    result = pd.DataFrame({"indicator": ["AD-01"], "date": [DATE], "numerator": [27762.0],
                           "denominator": [77.0], "value": [27762 / 77], "available": [True]})
    shown = tables.measures([result], targets={"AD-01": 426.0},
                            england={"AD-01": Comparator(593.0, 2017, 2025)})
    assert shown.loc[0, "Value"] == "360.5"  # no unit in the display cell
    out = tidy.frame(shown)
    assert out is not None
    rows = _rows(out, "statistic")
    assert rows.loc["value", ["value", "unit", "date"]].tolist() == [360.5, "days", "2025-03-31"]
    assert rows.loc["numerator", ["value", "unit"]].tolist() == [27762.0, "days"]
    assert rows.loc["denominator", ["value", "unit"]].tolist() == [77.0, "count"]
    assert rows.loc["target", ["value", "unit"]].tolist() == [426.0, "days"]
    assert rows.loc["England", ["value", "unit", "date"]].tolist() == [593.0, "days", "2017-03-31"]
    assert set(out["measure"]) == {"AD-01"} and set(out["status"]) == {""}


def test_a_year_label_column_stays_a_group_never_a_figure() -> None:
    # Children by year: 12 + 25 + 40 = 77; 12/77 = 15.6%, 25/77 = 32.5%, 40/77 = 51.9%.
    result = _result("CIC-01", "year", {"2019": 12, "2020": 25, "2021": 40})
    out = tidy.frame(tables.marginal(result, "year"))
    assert out is not None
    counts = _rows(out[out["statistic"] == "count"], "Year")["value"].to_dict()
    assert counts == {"2019": 12.0, "2020": 25.0, "2021": 40.0, "Total": 77.0}
    shares = _rows(out[out["statistic"] == "percentage"], "Year")["value"].to_dict()
    assert shares == {"2019": 15.6, "2020": 32.5, "2021": 51.9, "Total": 100.0}
    assert not out["value"].isin([2019.0, 2020.0, 2021.0]).any()


def test_a_crosstab_has_both_groups_and_hides_its_small_cells() -> None:
    # PS-03 by age band and number of placements (headings "3", "4": numbers, yet groups).
    # Under 1: 3 placements 2 ([c]) and 4 placements 0, so its total 2 is [c] too; 5 to 9:
    # 10 and 7, total 17; the column totals 12 and 7 leave the 2 at 12 - 10: 10 is hidden
    # by secondary suppression.
    units = pd.DataFrame({"indicator": "PS-03", "date": DATE,
                          "age_band": ["Under 1", "Under 1", "5 to 9", "5 to 9"],
                          "placements": ["3", "4", "3", "4"], "count": [2, 0, 10, 7]})
    shown = tables.crosstab(units, "age_band", "placements")
    out = tidy.frame(shown)
    assert out is not None
    rows = _rows(out, "Age band", "Number of placements")
    assert rows.loc[("Under 1", "3"), ["status", "unit"]].tolist() == ["[c]", "count"]
    assert pd.isna(rows.loc[("Under 1", "3"), "value"])
    assert rows.loc[("Under 1", "4"), ["value", "status"]].tolist() == [0.0, ""]
    assert rows.loc[("5 to 9", "4"), "value"] == 7.0
    hidden = out["status"] == "[c]"
    assert out.loc[hidden, "value"].isna().all()
    assert len(out) == 3 * 3  # two age bands and the Total row, by 3, 4 and Total


def test_relabelled_codes_follow_into_the_groups() -> None:
    result = _result("IR-03", "participation", {"PN1": 30, "PN2": 20})
    shown = tables.relabel(tables.marginal(result, "participation"),
                           {"PN1": "PN1: child attended and spoke for themselves"})
    out = tidy.frame(shown)
    assert out is not None
    assert "PN1: child attended and spoke for themselves" in set(out["Participation"])


def test_a_profile_stacks_its_blocks_under_characteristic_and_group() -> None:
    # 20 girls and 30 boys, 50 in all: one "All children" row, then the groups.
    shown = tables.profile({"sex": _result("CIC-05", "sex", {"Female": 20, "Male": 30})})
    out = tidy.frame(shown)
    assert out is not None
    counts = out[out["statistic"] == "count"].set_index(["Characteristic", "Group"])["value"]
    assert counts.to_dict() == {("All children", ""): 50.0, ("Sex", "Female"): 20.0,
                                ("Sex", "Male"): 30.0}


def test_counts_a_table_records_only_for_the_audit_come_out_by_their_row_labels() -> None:
    """A table that declares no tidy cells (the pack's activity table) still gets one row per
    count it records for the disclosure audit, with its row labels."""
    shown = pd.DataFrame({"Activity": ["Children starting care", "Children leaving care"],
                          "August 2024": ["90", "[c]"]})
    shown = describe(shown, [
        {"row": 0, "column": "August 2024", "key": figure_key("CIC-03S", "2024-08-31"), "value": 90},
        {"row": 1, "column": "August 2024", "key": figure_key("CIC-03", "2024-08-31"), "value": 3}])
    out = tidy.frame(shown)
    assert out is not None
    assert out[["measure", "date", "Activity", "statistic", "status"]].values.tolist() == [
        ["CIC-03S", "2024-08-31", "Children starting care", "August 2024", ""],
        ["CIC-03", "2024-08-31", "Children leaving care", "August 2024", "[c]"]]
    assert out["value"].iloc[0] == 90.0 and pd.isna(out["value"].iloc[1])


def test_publishing_writes_the_tidy_table_and_where_each_row_is_shown(tmp_path: Path) -> None:
    # 1,363 placed and 5 waiting: written as plain numbers, read back as numbers.
    result = _result("AD-07", "status", {"Placed, not adopted": 1363, "Placement order": 5})
    nb.publish_table("tbl-waiting", tables.marginal(result, "status"), tmp_path)
    path = tmp_path / "tables" / "tidy" / "tbl-waiting.csv"
    text = path.read_text()
    assert "1,363" not in text and "1363" in text and "1363.0" not in text
    back = pd.read_csv(path)
    assert list(back.columns) == ["measure", "date", "Status", "statistic", "value", "unit", "status"]
    assert back["value"].dtype == "float64"
    sidecar = json.loads((tmp_path / "disclosure" / "tbl-waiting.json").read_text())
    assert len(sidecar["tidy"]) == len(back)
    assert sidecar["tidy"][0] == [0, "Number"] and sidecar["tidy"][1] == [0, "%"]


def test_cells_the_audit_hides_later_go_blank_in_the_tidy_table_too(tmp_path: Path) -> None:
    # The disclosure audit's case (tests/test_disclosure_audit.py): it hides Adopted (8) to
    # protect SGO (4) and staying put (1); the tidy table follows.
    reasons = {"Adopted": 8, "Special guardianship order": 4, "Returned home to parents": 30,
               "Remained with carers at 18 (staying put)": 1, "Other": 20}
    shown = tables.compare_periods({"2024-25": _result("CIC-03", "reason", reasons)}, "reason")
    assert shown.loc[0, "2024-25"] == "8"
    numbers = tidy.frame(shown)
    assert numbers is not None
    path = tidy.write(numbers, tmp_path / "tbl-ceased.csv")
    adopted = figure_key("CIC-03", DATE, "count", {"reason": "Adopted"})
    cells = [{**c, "shown": str(shown.iat[c["row"], shown.columns.get_loc(c["column"])])}
             for c in shown.attrs["disclosure"]["cells"]]
    new = hide(shown, cells, {adopted})
    assert new is not None
    positions = list(zip(numbers["row"], numbers["column"], strict=True))
    after = tidy.rehide(pd.read_csv(path, dtype=str, keep_default_na=False), positions, new)
    rows = _rows(after, "Reason", "statistic")
    assert rows.loc[("Adopted", "count"), ["value", "status"]].tolist() == ["", "[c]"]
    assert rows.loc[("Adopted", "percentage"), ["value", "status"]].tolist() == ["", "[c]"]
    assert rows.loc[("Returned home to parents", "count"), ["value", "status"]].tolist() == ["30", ""]


def test_the_privacy_audit_reads_the_tidy_tables(tmp_path: Path) -> None:
    """A child's id or postcode in a tidy table is found like anywhere else in the outputs."""
    ids = privacy.Identifiers(tokens=frozenset({"CH123456"}), phrases=frozenset(),
                              postcodes=frozenset({"CT11AA"}), dobs=frozenset())
    folder = tmp_path / "tables" / "tidy"
    folder.mkdir(parents=True)
    (folder / "tbl-x.csv").write_text("measure,date,Group,statistic,value,unit,status\n"
                                      "CIC-01,2025-03-31,CH123456,count,3,count,\n"
                                      "CIC-01,2025-03-31,CT1 1AA,count,4,count,\n")
    found = privacy.audit(tmp_path, ids)
    assert {(leak.file, leak.kind) for leak in found} == {
        ("tables/tidy/tbl-x.csv", "CHILD/UPN"), ("tables/tidy/tbl-x.csv", "postcode")}


@pytest.mark.slow
def test_a_build_publishes_tidy_tables_as_the_disclosure_audit_left_them(tmp_path: Path) -> None:
    """The disclosure audit hides Adopted (8) and Child arrangements (10) to protect SGO (4)
    and staying put (1) (tests/test_disclosure_audit.py): the tidy table shows each as [c]
    with no value, and the numbers shown as numbers."""
    from builders import small_year, write_year
    from test_disclosure_audit import _notebook

    from cpanalytics.pipeline import BuildOptions, build

    for year in (2024, 2025):
        write_year(tmp_path / "data", year, small_year(year))
    result = build(BuildOptions(data_dir=tmp_path / "data", year=2025, out=tmp_path / "out",
                                jobs=1, notebooks_dir=_notebook(tmp_path / "nb", leak=False),
                                render=False))
    assert result.ok, result.messages
    published = tmp_path / "out" / "2025" / "tables"
    assert sorted(p.name for p in (published / "tidy").iterdir()) == sorted(
        p.name for p in published.glob("*.csv"))
    ceased = pd.read_csv(published / "tidy" / "tbl-ceased.csv", keep_default_na=False,
                         na_values=[""])
    counts = ceased[ceased["statistic"] == "count"].set_index("Reason")
    for reason in ("Adopted", "Special guardianship order", "Child arrangements (residence) order",
                   "Remained with carers at 18 (staying put)"):
        assert counts.loc[reason, "status"] == "[c]" and pd.isna(counts.loc[reason, "value"])
    assert counts.loc["Returned home to parents", "value"] == 30
    assert counts.loc["Total", "value"] == 73  # 8 + 4 + 10 + 30 + 1 + 20
    manifest = json.loads((tmp_path / "out" / "2025" / "manifest.json").read_text())
    assert manifest["privacy_audit"]["identifiers_found"] == 0
    assert manifest["privacy_audit"]["files_checked"] >= 2 * len(list(published.glob("*.csv")))
