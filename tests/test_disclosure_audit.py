"""The whole-publication disclosure audit: ranges of suppressed cells across linked tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cpanalytics import notebook, tables
from cpanalytics.pipeline import disclosure_audit
from cpanalytics.publication_audit import (
    SIDECAR_DIR,
    Protection,
    Publication,
    check,
    figure_key,
    hide,
    protect,
    sidecar,
)

DATE = pd.Timestamp("2025-03-31")
REASONS = {  # the case: SGO 4 and staying put 1 are [c]; Adopted 8 is shown
    "Adopted": 8, "Special guardianship order": 4, "Child arrangements (residence) order": 10,
    "Returned home to parents": 30, "Remained with carers at 18 (staying put)": 1, "Other": 20,
}


def _table_result(measure: str, counts: dict[tuple[str, ...], int], categories: tuple[str, ...]) -> pd.DataFrame:
    """A table-type indicator result, as ``cpanalytics.indicators.compute`` returns it."""
    rows = [dict(zip(categories, key, strict=True)) | {"count": n} for key, n in counts.items()]
    result = pd.DataFrame(rows).assign(indicator=measure, date=DATE)
    result.attrs["indicator"] = measure
    return result


def _ceased() -> pd.DataFrame:
    return _table_result("CIC-03", {(r,): n for r, n in REASONS.items()}, ("reason",))


def _ad06(numerator: int) -> pd.DataFrame:
    return pd.DataFrame({"indicator": ["AD-06"], "date": [DATE], "numerator": [numerator],
                         "denominator": [60], "value": [100 * numerator / 60], "available": [True]})


def _publication(**frames: pd.DataFrame) -> tuple[Publication, dict[str, dict]]:
    records = {label: sidecar(label, f, tables.markdown(f)) for label, f in frames.items()}
    return Publication.from_sidecars(records.values()), records


def _key(reason: str) -> str:
    return figure_key("CIC-03", DATE, "count", {"reason": reason})


def test_differencing_between_two_tables_is_detected_and_fixed() -> None:
    ceased = tables.compare_periods({"2024-25": _ceased()}, "reason")
    assert ceased.loc[ceased["Reason"] == "Special guardianship order", "2024-25"].item() == "[c]"
    scorecard = tables.measures([_ad06(12)])
    assert scorecard["Numerator"].item() == "12"
    pub, records = _publication(**{"tbl-cic03-ceased": ceased, "tbl-scorecard": scorecard})
    assert pub.shared_used == 1  # AD-06's numerator = Adopted + SGO (it holds here)
    found = check(pub, Protection(), set())
    sgo, staying = _key("Special guardianship order"), _key("Remained with carers at 18 (staying put)")
    assert found[sgo] == pytest.approx((4, 4)) and found[staying] == pytest.approx((1, 1))

    audit = protect(pub, Protection())
    assert audit.passed
    assert audit.extra == sorted([_key("Adopted"), _key("Child arrangements (residence) order")])
    assert all(Protection().protected(pub.values[k], lo, hi) for k, (lo, hi) in audit.ranges.items())
    shown = hide(ceased, records["tbl-cic03-ceased"]["cells"], set(audit.extra))
    row = shown.set_index("Reason").loc["Adopted"]
    assert (row["2024-25"], row["2024-25 %"]) == ("[c]", "[c]")
    assert shown.set_index("Reason").loc["Returned home to parents", "2024-25"] == "30"


def test_a_shared_numerator_that_does_not_hold_is_not_used() -> None:
    pub, _ = _publication(ceased=tables.compare_periods({"2024-25": _ceased()}, "reason"),
                          scorecard=tables.measures([_ad06(13)]))
    assert pub.shared_used == 0
    assert protect(pub).passed and not protect(pub).extra


def test_linked_breakdowns_of_one_measure() -> None:
    """Each table is safe alone; together the marginal's Male (24) and the crosstab's Other
    total (16) give Female = 42 - 24 - 16 = 2."""
    counts = {("Under 10", "Female"): 1, ("Under 10", "Male"): 1, ("Under 10", "Other"): 5,
              ("10 and over", "Female"): 1, ("10 and over", "Male"): 23, ("10 and over", "Other"): 11}
    result = _table_result("CIC-05", counts, ("age_band", "sex"))
    by_sex, cross = tables.marginal(result, "sex"), tables.crosstab(result, "age_band", "sex")
    assert by_sex.set_index("Sex").loc["Male", "Number"] == "24"
    assert cross.set_index("Age band").loc["Total", ["Male", "Other"]].tolist() == ["[c]", "16"]
    for alone in (by_sex, cross):
        audit = protect(_publication(t=alone)[0])
        assert audit.passed and not audit.extra
    pub, _ = _publication(by_sex=by_sex, cross=cross)
    female = figure_key("CIC-05", DATE, "count", {"sex": "Female"})
    assert check(pub, Protection(), set())[female] == pytest.approx((2, 2))
    audit = protect(pub, Protection())  # one cell of 24, not the 23 and 16 a greedy would hide
    assert audit.passed and audit.extra == [figure_key("CIC-05", DATE, "count", {"sex": "Male"})]


def test_a_publication_that_is_protected_passes() -> None:
    legal = {"Interim care order": 242, "Full care order": 614, "Placement order": 97,
             "Section 20": 672, "Youth justice": 2}
    result = _table_result("CIC-05", {(k,): n for k, n in legal.items()}, ("legal_status",))
    profile = tables.profile({"legal_status": result})
    pub, _ = _publication(profile=profile)
    audit = protect(pub, Protection())
    assert audit.passed and not audit.extra
    youth = figure_key("CIC-05", DATE, "count", {"legal_status": "Youth justice"})
    assert audit.ranges[youth] == pytest.approx((0, 99))


def test_a_count_published_elsewhere_fails_when_it_cannot_be_hidden() -> None:
    shown = tables.measures([_ad06(3)])  # [c] in one table ...
    headlines = {"table": "x.json", "markdown": None, "suppressed": True, "suppressible": False,
                 "sums": [], "cells": [{"row": 0, "column": "display", "key": figure_key("AD-06", DATE, "numerator"),
                                        "value": 3.0, "derived": [], "shown": "3"}]}  # ... 3 in another
    pub = Publication.from_sidecars([sidecar("t", shown, ""), headlines])
    audit = protect(pub)
    assert not audit.passed and audit.failing == [figure_key("AD-06", DATE, "numerator")]


def _published(work: Path, year_dir: Path, name: str, **frames: pd.DataFrame) -> None:
    """What a build stages: the notebook's CSVs and sidecars, and its executed copy."""
    out = work / name
    for label, frame in frames.items():
        notebook.publish_table(label, frame, out)
    cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", {"text/markdown": json.loads((out / SIDECAR_DIR / f"{label}.json").read_text())["markdown"]})])
        for label in frames]
    (year_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), year_dir / "notebooks" / f"{name}.ipynb")
    (year_dir / "tables").mkdir(exist_ok=True)
    for csv in (out / "tables").glob("*.csv"):
        shutil.copy2(csv, year_dir / "tables" / csv.name)


def test_the_build_stage_hides_the_extra_cells_everywhere(tmp_path: Path) -> None:
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    _published(work, year_dir, "children_in_care",
               **{"tbl-cic03-ceased": tables.compare_periods({"2024-25": _ceased()}, "reason")})
    _published(work, year_dir, "scorecard", **{"tbl-scorecard": tables.measures([_ad06(12)])})
    summary, message = disclosure_audit.run(year_dir, work)
    assert message is None and summary["passed"]
    assert {(e["table"], e["row"]) for e in summary["extra_suppressions"]} == {
        ("tbl-cic03-ceased", "Adopted"), ("tbl-cic03-ceased", "Child arrangements (residence) order")}
    assert summary["min_interval_width"] >= 2
    csv = pd.read_csv(year_dir / "tables" / "tbl-cic03-ceased.csv", dtype=str).set_index("Reason")
    assert csv.loc["Adopted", "2024-25"] == "[c]"
    executed = nbformat.read(year_dir / "notebooks" / "children_in_care.ipynb", as_version=4)
    text = executed.cells[0].outputs[0]["data"]["text/markdown"]
    assert "| Adopted | [c] | [c] |" in text and "[c] confidential" in text
    assert "8" not in json.dumps(summary["extra_suppressions"])  # no values in the manifest


def test_the_build_stage_fails_naming_the_table_and_cell(tmp_path: Path) -> None:
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    ceased = tables.compare_periods({"2024-25": _ceased()}, "reason")
    _published(work, year_dir, "children_in_care", **{"tbl-cic03-ceased": ceased})
    headline = {"id": "AD-06", "as_at": "2025-03-31", "numerator": 4.0, "denominator": None,
                "value": 4.0, "display": "4"}  # SGO itself, shown in a headline
    side = work / "children_in_care" / SIDECAR_DIR / "x.headlines.json"
    record = json.loads((work / "children_in_care" / SIDECAR_DIR / "tbl-cic03-ceased.json").read_text())
    key = next(c["key"] for c in record["cells"] if "Special" in c["key"])
    side.write_text(json.dumps({"table": "x.json", "markdown": None, "suppressed": True, "suppressible": False,
                                "sums": [], "cells": [{"row": 0, "column": "display", "key": key,
                                                      "value": headline["value"], "derived": [],
                                                      "shown": headline["display"]}]}))
    before = (year_dir / "tables" / "tbl-cic03-ceased.csv").read_text()
    summary, message = disclosure_audit.run(year_dir, work)
    assert not summary["passed"]
    assert "tbl-cic03-ceased" in message and "Special guardianship order" in message
    assert (year_dir / "tables" / "tbl-cic03-ceased.csv").read_text() == before


def test_a_table_whose_rows_moved_after_it_was_made_is_not_audited_blindly() -> None:
    ceased = tables.compare_periods({"2024-25": _ceased()}, "reason")
    assert sidecar("t", ceased, "") is not None
    assert sidecar("t", ceased.iloc[::-1].reset_index(drop=True), "") is None


def _notebook(folder: Path, leak: bool) -> Path:
    """A report notebook publishing the issue's two tables (and, with ``leak``, a headline
    that shows a count another table hides)."""
    code = [
        'data_dir = "."\nyear = 2025\nas_at = None\nla_name = "Test"\nsuppress = True\noutput_dir = None',
        "import pandas as pd\nfrom cpanalytics import notebook as nb, tables\nout = nb.output_path(output_dir)\n"
        f"DATE = pd.Timestamp('2025-03-31')\nREASONS = {REASONS!r}",
        "#| label: tbl-ceased\nceased = pd.DataFrame({'indicator': 'CIC-03', 'date': DATE, "
        "'reason': list(REASONS), 'count': list(REASONS.values())})\n"
        "nb.publish_table('tbl-ceased', tables.compare_periods({'2024-25': ceased}, 'reason'), out)",
        "#| label: tbl-measures\nrows = pd.DataFrame({'indicator': ['AD-06', 'CIC-03S'], 'date': DATE, "
        "'numerator': [12, 3], 'denominator': [60, None], 'value': [20.0, 3.0], 'available': True})\n"
        "nb.publish_table('tbl-measures', tables.measures([rows.iloc[[0]], rows.iloc[[1]]]), out)",
    ]
    if leak:
        code.append("nb.write_headlines('leaky', [{'id': 'CIC-03S', 'as_at': '2025-03-31', 'numerator': 3.0, "
                    "'denominator': None, 'value': 3.0, 'display': '3'}], out)")
    cells = [nbformat.v4.new_code_cell(c) for c in code]
    cells[0].metadata["tags"] = ["parameters"]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}}), folder / "tables_nb.ipynb")
    return folder


def test_every_build_audits_and_a_failed_audit_publishes_nothing(tmp_path: Path) -> None:
    from builders import small_year, write_year

    from cpanalytics.pipeline import BuildOptions, build

    for year in (2024, 2025):
        write_year(tmp_path / "data", year, small_year(year))
    opts = BuildOptions(data_dir=tmp_path / "data", year=2025, out=tmp_path / "out", jobs=1,
                        notebooks_dir=_notebook(tmp_path / "ok", leak=False), render=False)
    result = build(opts)
    assert result.ok, result.messages
    audit = json.loads((tmp_path / "out" / "2025" / "manifest.json").read_text())["disclosure_audit"]
    assert audit["passed"] and {e["row"] for e in audit["extra_suppressions"]} == {
        "Adopted", "Child arrangements (residence) order"}
    published = tmp_path / "out" / "2025"
    assert "Adopted,[c],[c]" in (published / "tables" / "tbl-ceased.csv").read_text()
    assert not list(published.rglob(f"{SIDECAR_DIR}/*"))  # the sidecars stay private
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}

    leaky = build(BuildOptions(**{**opts.__dict__, "notebooks_dir": _notebook(tmp_path / "leak", leak=True)}))
    assert not leaky.ok
    assert any("disclosure audit FAILED" in m and "tbl-measures" in m for m in leaky.messages), leaky.messages
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before
