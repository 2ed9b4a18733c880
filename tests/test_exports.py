"""Tidy numeric tables beside the formatted ones: numbers as numbers, markers in a column
of their own, and never a number behind a [c]."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.pipeline import privacy
from cpanalytics.pipeline.exports import tidy, write_tidy

# A published table as the notebooks write it (display strings): a label column, counts
# with thousands separators, a percentage, suppressed and provisional counts, a blank cell
# and a comparator shown with the year it was published for.
SHOWN = pd.DataFrame({
    "Status": ["Placement order, not matched", "Placed, not adopted", "Total"],
    "Number": ["[c] [p]", "1,363", "1,368 [p]"],
    "%": ["[c]", "99.6%", "100.0%"],
    "England": ["2024/25: 58.0", "[x]", ""],
})


def test_tidy_has_one_row_per_figure_with_numbers_and_markers_apart() -> None:
    out = tidy(SHOWN)
    assert list(out.columns) == ["Status (row)", "figure", "period", "value", "unit", "status"]
    assert len(out) == 3 * 3  # three rows by three figure columns
    row = out.set_index(["Status (row)", "figure"])
    assert row.loc[("Placed, not adopted", "Number"), "value"] == 1363.0
    assert row.loc[("Placed, not adopted", "%"), ["value", "unit"]].tolist() == [99.6, "%"]
    assert row.loc[("Total", "Number"), ["value", "status"]].tolist() == [1368.0, "[p]"]
    assert row.loc[("Placement order, not matched", "England"), ["period", "value"]].tolist() == [
        "2024/25", 58.0]
    assert row.loc[("Placed, not adopted", "England"), "status"] == "[x]"
    assert row.loc[("Total", "England"), "status"] == "[z]"  # a blank cell is not applicable
    assert pd.api.types.is_float_dtype(out["value"])


def test_a_suppressed_figure_is_blank_in_the_value_column() -> None:
    out = tidy(SHOWN)
    hidden = out[out["status"].str.contains("[c]", regex=False)]
    assert len(hidden) == 2 and hidden["value"].isna().all()
    assert set(hidden["status"]) == {"[c] [p]", "[c]"}


def test_a_period_heading_becomes_the_period_column() -> None:
    """compare_periods tables: ``2024-25`` counts and ``2024-25 %`` shares of each year."""
    shown = pd.DataFrame({"Reason": ["Adopted", "Other"], "2024-25": ["111", "[c]"],
                          "2024-25 %": ["10.4", "[c]"], "2023-24": ["91", "20"]})
    out = tidy(shown)
    adopted = out[out["Reason"] == "Adopted"].set_index(["period", "figure"])["value"].to_dict()
    assert adopted == {("2024-25", "Number"): 111.0, ("2024-25", "%"): 10.4,
                       ("2023-24", "Number"): 91.0}


def test_units_and_a_comparator_year_in_the_heading() -> None:
    """The scorecard's way: ``347.0 days`` against a ``426 days`` target, England's value
    under an ``England 2024/25`` heading; text columns (RAG) stay labels of the row."""
    shown = pd.DataFrame({"Indicator": ["AD-01", "PS-01"], "Value": ["347.0 days", "8.9%"],
                          "RAG": ["Green", ""], "England 2024/25": ["593 days", "[x]"]})
    out = tidy(shown).set_index(["Indicator", "figure"])
    assert list(out.columns) == ["RAG", "period", "value", "unit", "status"]
    assert out.loc[("AD-01", "Value"), ["value", "unit"]].tolist() == [347.0, "days"]
    assert out.loc[("AD-01", "England"), ["period", "value"]].tolist() == ["2024/25", 593.0]
    assert out.loc[("PS-01", "England"), ["value", "status"]].isna().tolist() == [True, False]


def test_write_tidy_writes_one_file_per_table_and_drops_stale_ones(tmp_path: Path) -> None:
    table = tmp_path / "tbl-waiting.csv"
    SHOWN.to_csv(table, index=False)
    folder = tmp_path / "tidy"
    folder.mkdir()
    (folder / "tbl-gone.csv").write_text("x\n")
    assert write_tidy([table], folder) == [folder / "tbl-waiting.csv"]
    assert sorted(p.name for p in folder.iterdir()) == ["tbl-waiting.csv"]
    back = pd.read_csv(folder / "tbl-waiting.csv")
    assert back["value"].dtype == "float64"  # numbers as numbers, once read back
    assert "1,363" not in (folder / "tbl-waiting.csv").read_text()


def test_the_privacy_audit_reads_the_tidy_tables(tmp_path: Path) -> None:
    """A child's id or postcode in a tidy table is found like anywhere else in the outputs."""
    ids = privacy.Identifiers(tokens=frozenset({"CH123456"}), phrases=frozenset(),
                              postcodes=frozenset({"CT11AA"}), dobs=frozenset())
    folder = tmp_path / "tables" / "tidy"
    folder.mkdir(parents=True)
    (folder / "tbl-x.csv").write_text("Group,figure,period,value,unit,status\nCH123456,Number,,3,,\n"
                                      "CT1 1AA,Number,,4,,\n")
    found = privacy.audit(tmp_path, ids)
    assert {(leak.file, leak.kind) for leak in found} == {
        ("tables/tidy/tbl-x.csv", "CHILD/UPN"), ("tables/tidy/tbl-x.csv", "postcode")}


@pytest.mark.slow
def test_a_build_writes_tidy_tables_after_the_disclosure_audit(tmp_path: Path) -> None:
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
    counts = ceased[ceased["figure"] == "Number"].set_index("Reason")
    for reason in ("Adopted", "Special guardianship order", "Child arrangements (residence) order",
                   "Remained with carers at 18 (staying put)"):
        assert counts.loc[reason, "status"] == "[c]" and pd.isna(counts.loc[reason, "value"])
    assert counts.loc["Returned home to parents", "value"] == 30
    manifest = json.loads((tmp_path / "out" / "2025" / "manifest.json").read_text())
    assert manifest["privacy_audit"]["identifiers_found"] == 0
    assert manifest["privacy_audit"]["files_checked"] >= 2 * len(list(published.glob("*.csv")))
