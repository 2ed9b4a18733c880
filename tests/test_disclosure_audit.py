"""The whole-publication disclosure audit: ranges of suppressed cells across linked tables."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cpanalytics.pipeline import disclosure_audit
from cpanalytics.publish import charts, disclosure, headlines, publication_audit, tables
from cpanalytics.publish.publication_audit import (
    SIDECAR_DIR,
    Protection,
    Publication,
    check,
    figure_key,
    hide,
    protect,
    sidecar,
)
from cpanalytics.runtime import notebook

DATE = pd.Timestamp("2025-03-31")
REASONS = {  # the case: SGO 4 and staying put 1 are [c]; Adopted 8 is shown
    "Adopted": 8, "Special guardianship order": 4, "Child arrangements (residence) order": 10,
    "Returned home to parents": 30, "Remained with carers at 18 (staying put)": 1, "Other": 20,
}


def _table_result(measure: str, counts: dict[tuple[str, ...], int], categories: tuple[str, ...]) -> pd.DataFrame:
    """A table-type indicator result, as ``cpanalytics.measures.indicators.compute`` returns it."""
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
    by_sex = tables.marginal(result, "sex", merge=False)
    cross = tables.crosstab(result, "age_band", "sex")
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
    # Merged instead (issue 15), the marginal shows "Other (including female)" 16 + 2 = 18,
    # recorded as the sum of Other and Female: less the crosstab's Other 16, Female is 2
    # again, so the audit still finds the link and hides more.
    merged = tables.marginal(result, "sex")
    assert merged.set_index("Sex").loc["Other (including female)", "Number"] == "18"
    pub, _ = _publication(by_sex=merged, cross=cross)
    assert check(pub, Protection(), set())[female] == pytest.approx((2, 2))
    audit = protect(pub, Protection())
    assert audit.passed and audit.extra


def test_a_publication_that_is_protected_passes() -> None:
    # Table 1 of the 2025 synthetic report: youth justice 2 is merged with placement orders
    # 97 into one row of 99 (issue 15). The audit knows the row is their sum: youth justice
    # may be anything from 0 to 99.
    legal = {"Interim care order": 242, "Full care order": 614, "Placement order": 97,
             "Section 20": 672, "Youth justice": 2}
    result = _table_result("CIC-05", {(k,): n for k, n in legal.items()}, ("legal_status",))
    profile = tables.profile({"legal_status": result})
    assert profile.set_index("Group").loc["Placement order or youth justice", "Number"] == "99"
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
        "import pandas as pd\nfrom cpanalytics.publish import tables\nfrom cpanalytics.runtime import notebook as nb\nout = nb.output_path(output_dir)\n"
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


@pytest.mark.slow
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

    wider = build(BuildOptions(**{**opts.__dict__, "protection_margin": 2.0}))
    assert wider.ok, wider.messages
    audit = json.loads((published / "manifest.json").read_text())["disclosure_audit"]
    assert audit["passed"] and audit["protection"] == {"threshold": 5, "margin": 2.0}


def _cross_sex() -> pd.DataFrame:
    """The linked-breakdowns case: the crosstab alone is safe, and Male (24) with the Other
    total (16) gives Female = 42 - 24 - 16 = 2."""
    counts = {("Under 10", "Female"): 1, ("Under 10", "Male"): 1, ("Under 10", "Other"): 5,
              ("10 and over", "Female"): 1, ("10 and over", "Male"): 23, ("10 and over", "Other"): 11}
    return _table_result("CIC-05", counts, ("age_band", "sex"))


def _stage(work: Path, year_dir: Path, name: str, show: Callable[[], str | None], **frames: pd.DataFrame) -> None:
    """:func:`_published`, with the sentences or charts ``show`` makes recorded in the notebook's
    work folder as a notebook records them (``notebook.output_path``)."""
    _published(work, year_dir, name, **frames)
    notebook.output_path(str(work / name))
    try:
        show()
    finally:
        publication_audit.record_to(None)


def _sidecars(work: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(work.glob(f"*/{SIDECAR_DIR}/*.json"))]


FEMALE, MALE = (figure_key("CIC-05", DATE, "count", {"sex": s}) for s in ("Female", "Male"))


def test_a_count_printed_only_in_a_sentence_is_audited(tmp_path: Path) -> None:
    """The crosstab alone is safe; the share sentence prints Male = 24, which with the
    crosstab's Other total pins Female's [c] at 2. The audit catches it and hides crosstab
    cells; it never hides a figure a sentence prints, so the sentence reveals nothing hidden."""
    result = _cross_sex()
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    sentences: list[str] = []
    _stage(work, year_dir, "children_in_care", lambda: sentences.extend([
        headlines.share_sentence(result, "sex", "Male", count="count", template="{n} of the {total} children were boys"),
        headlines.share_sentence(result, "sex", "Female", count="count", template="{n} were girls ({pct})"),
    ]), **{"tbl-cross": tables.crosstab(result, "age_band", "sex")})
    assert sentences == ["24 of the 42 children were boys.", "[c] were girls ([c])."]
    records = _sidecars(work)
    printed = [c for r in records if r.get("kind") == "text" for c in r["cells"]]
    assert {(c["key"], c["shown"]) for c in printed} == {
        (MALE, "24"), (figure_key("CIC-05", DATE), "42"), (FEMALE, "[c]")}
    pub = Publication.from_sidecars(records)
    assert check(pub, Protection(), set())[FEMALE] == pytest.approx((2, 2))  # caught
    without = Publication.from_sidecars([r for r in records if r.get("kind") != "text"])
    assert FEMALE not in _failing_keys(without)  # the table alone is safe

    summary, message = disclosure_audit.run(year_dir, work)
    assert message is None and summary["passed"] and summary["sentences"] == 2
    hidden = {(e["row"], e["column"]) for e in summary["extra_suppressions"]}
    assert hidden and ("Total", "Male") not in hidden  # the sentence's 24 stays true
    audit = protect(pub)
    assert MALE not in audit.extra and all(pub.published(k, set(audit.extra)) for k in (MALE,))
    lo, hi = audit.ranges[FEMALE]
    assert lo <= 1 and hi >= 3
    csv = pd.read_csv(year_dir / "tables" / "tbl-cross.csv", dtype=str).set_index("Age band")
    assert all(csv.loc[row, column] == "[c]" for row, column in hidden)


def _failing_keys(pub: Publication) -> set[str]:
    found = check(pub, Protection(), set())
    return {k for k, (lo, hi) in found.items() if not Protection().protected(pub.values[k], lo, hi)}


def test_a_sentence_printing_a_count_hidden_elsewhere_fails_naming_the_sentence(tmp_path: Path) -> None:
    result = _cross_sex()
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    _stage(work, year_dir, "nb", lambda: headlines.share_sentence(
        result, "sex", "Female", count="count", suppress=False, template="{n} were girls"),
        **{"tbl-cross": tables.crosstab(result, "age_band", "sex")})
    summary, message = disclosure_audit.run(year_dir, work)
    assert not summary["passed"] and "tbl-cross" in message and "sex=Female" in message


def test_chart_data_is_audited_and_a_hidden_count_is_not_drawn(tmp_path: Path) -> None:
    """A chart that draws Male (24) links like the sentence above; its small count is drawn
    as nothing, recorded as [c], and the audit never hides a count a chart draws."""
    result = _cross_sex()
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    figs = []
    _stage(work, year_dir, "children_in_care", lambda: figs.extend(
        charts.period_counts({"2024-25": result}, "sex", s, la_name="Test", measure=f"{s} children")
        for s in ("Male", "Female")), **{"tbl-cross": tables.crosstab(result, "age_band", "sex")})
    drawn = [c for r in _sidecars(work) if r.get("kind") == "chart" for c in r["cells"]]
    assert [(c["key"], c["shown"]) for c in drawn] == [(MALE, "24"), (FEMALE, "[c]")]
    assert figs[1].alt_text.endswith("2024-25 to 2024-25. 2024-25 [c]: not shown.")
    assert check(Publication.from_sidecars(_sidecars(work)), Protection(), set())[FEMALE] == pytest.approx((2, 2))
    summary, message = disclosure_audit.run(year_dir, work)
    assert message is None and summary["charts"] == 2
    hidden = {(e["row"], e["column"]) for e in summary["extra_suppressions"]}
    assert hidden and ("Total", "Male") not in hidden


def test_trend_charts_record_their_counts_with_each_dates_total(tmp_path: Path) -> None:
    dates = pd.to_datetime(["2025-02-28", "2025-03-31"])
    trend = pd.DataFrame({"indicator": "CIC-01", "date": dates.repeat(2), "uasc": ["Citizen", "UASC"] * 2,
                          "value": [50.0, 3.0, 52.0, 6.0]})
    publication_audit.record_to(tmp_path)
    try:
        charts.indicator_trend(trend, la_name="Test", group="uasc", stacked=True)
    finally:
        publication_audit.record_to(None)
    (record,) = _sidecars_in(tmp_path)
    assert [c["shown"] for c in record["cells"]] == ["50", "[c]", "52", "6"]
    total = figure_key("CIC-01", dates[1])
    assert [total, [figure_key("CIC-01", dates[1], "count", {"uasc": g}) for g in ("Citizen", "UASC")]] in record["sums"]


def _sidecars_in(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / SIDECAR_DIR).glob("*.json"))]


def test_the_protection_margin_is_set_for_a_build(tmp_path: Path) -> None:
    """Margin 2 needs SGO's [c] 4 to be able to be 2 to 6: with staying put (1) the only
    other [c], its range is 0 to 5, enough for margin 1, not for 2. The margin used is in
    the summary (the manifest's ``disclosure_audit.protection``)."""
    work, year_dir = tmp_path / ".work", tmp_path / "2025"
    _published(work, year_dir, "nb", **{"tbl-ceased": tables.compare_periods({"2024-25": _ceased()}, "reason")})
    one, _ = disclosure_audit.run(year_dir, work, Protection(margin=1))
    assert one["passed"] and not one["extra_suppressions"] and one["protection"]["margin"] == 1
    two, message = disclosure_audit.run(year_dir, work, Protection(margin=2))
    assert message is None and two["protection"]["margin"] == 2
    assert [e["row"] for e in two["extra_suppressions"]] == ["Adopted"] and two["min_interval_width"] >= 4
    with pytest.raises(ValueError, match="more than 0"):
        Protection(margin=0)


def test_the_protection_margin_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cpanalytics.cli.main import main
    from cpanalytics.pipeline import BuildOptions

    assert BuildOptions(data_dir=tmp_path, year=2025).protection_margin == 1.0
    assert main(["build", "--data", str(tmp_path), "--year", "2025", "--protection-margin", "0"]) == 2
    assert "error E410: --protection-margin 0 must be more than 0" in capsys.readouterr().err


# Complements, bounds and percentages drawn (review D6)

IR08 = {p: figure_key("IR-08", DATE, p) for p in ("numerator", "denominator", "complement")}
GRADES = {g: figure_key("IR-08a", DATE, "count", {"grade": g}) for g in ("OUTSTANDING", "GOOD")}


def _record(table: str, cells: dict[str, tuple[float, str]], *, suppressible: bool = False,
            sums: tuple[tuple[str, list[str]], ...] = (), rates: tuple[dict, ...] = ()) -> dict:
    """A hand-built sidecar: ``cells`` maps each key to (value, text shown)."""
    return {"table": table, "kind": "text", "markdown": None, "suppressed": True, "suppressible": suppressible,
            "sums": [list(s) for s in sums], "rates": list(rates),
            "cells": [{"row": i, "column": "text", "key": k, "value": v, "derived": [], "shown": t}
                      for i, (k, (v, t)) in enumerate(cells.items())]}


def test_a_share_whose_complement_is_small_hides_its_numerator_in_tables_and_sentences() -> None:
    """58 of 60 adopted or SGO tells that the other 2 left care otherwise: the numerator and
    the % are [c] in the measures table, the scorecard's rule and the sentence (which prints
    the recorded [c], never the hidden figure); 1,513 of 1,530 (complement 17) is shown."""
    shown = tables.measures([_ad06(58)]).iloc[0]
    assert (shown["Numerator"], shown["Denominator"], shown["Value"]) == ("[c]", "60", "[c]")
    assert headlines.kpi_sentence(_ad06(58)).startswith("[c] of children leaving care")
    card = disclosure.suppress_result(pd.DataFrame({"numerator": [58, 1513, 60, 0], "denominator": [60, 1530, 60, 3],
                                                    "value": [96.7, 98.9, 100.0, 0.0]}),
                                      unit="%", totals_published=False)  # as the scorecard's rows
    assert card["numerator"].tolist() == ["[c]", "1,513", "60", "0"]  # a zero complement (100%) stays
    assert card["value"].tolist() == ["[c]", "98.9%", "100.0%", "[c]"]
    pub, _ = _publication(measures=tables.measures([_ad06(58)]))
    ad06 = figure_key("AD-06", DATE, "complement")
    assert pub.values[ad06] == 2 and pub.complements[ad06] == figure_key("AD-06", DATE, "numerator")
    assert check(pub, Protection(), set())[ad06] == pytest.approx((0, 60)) and protect(pub).passed


def test_a_complement_pinned_by_published_figures_fails_the_build_naming_it(tmp_path: Path) -> None:
    """Numerator and denominator both shown (a sentence or scorecard cannot be edited
    afterwards): the complement 2 is pinned and the audit fails, naming the numerator's place."""
    record = _record("nb/text-1", {IR08["numerator"]: (58, "58"), IR08["denominator"]: (60, "60")})
    pub = Publication.from_sidecars([record])
    audit = protect(pub)
    assert audit.failing == [IR08["complement"]] and audit.ranges[IR08["complement"]] == pytest.approx((2, 2))
    assert pub.placed(IR08["complement"]) == IR08["numerator"]
    (tmp_path / "work" / "nb" / SIDECAR_DIR).mkdir(parents=True)
    (tmp_path / "work" / "nb" / SIDECAR_DIR / "text-1.json").write_text(json.dumps(record))
    (tmp_path / "2025" / "tables").mkdir(parents=True)
    summary, message = disclosure_audit.run(tmp_path / "2025", tmp_path / "work")
    assert not summary["passed"] and summary["complements_checked"] == 1 and summary["small_complements"] == 1
    assert message is not None and "nb/text-1: row '0', column 'text'" in message
    assert "IR-08 complement (denominator minus numerator) on 2025-03-31" in message and "58" not in message


def test_a_complement_worked_out_from_a_breakdown_is_protected_by_hiding_a_breakdown_cell(tmp_path: Path) -> None:
    """The numerator is [c] at source, but the grades table (shared: IR-08 numerator =
    OUTSTANDING + GOOD) gives it back: the audit hides the smaller grade."""
    records = [_record("scorecard", {IR08["numerator"]: (58, "[c]"), IR08["denominator"]: (60, "60")}),
               _record("grades", {GRADES["OUTSTANDING"]: (30, "30"), GRADES["GOOD"]: (28, "28")}, suppressible=True)]
    pub = Publication.from_sidecars(records)
    assert check(pub, Protection(), set())[IR08["complement"]] == pytest.approx((2, 2))
    audit = protect(pub)
    assert audit.passed and audit.extra == [GRADES["GOOD"]]
    assert audit.ranges[IR08["complement"]] == pytest.approx((0, 30))


def test_a_suppressed_numerator_lies_between_0_and_its_denominator_and_a_part_within_its_total() -> None:
    part, other, total = (figure_key("CIC-05", DATE, "count", {"sex": s}) for s in ("Female", "Male", ""))
    pub = Publication.from_sidecars([
        _record("scorecard", {IR08["numerator"]: (3, "[c]"), IR08["denominator"]: (10, "10")}),
        _record("sex", {part: (3, "[c]"), other: (4, "[c]"), total: (7, "7")}, sums=((total, [part, other]),)),
    ])
    found = publication_audit.ranges(pub, set(), [IR08["numerator"], part])
    assert found[IR08["numerator"]] == pytest.approx((0, 10)) and found[part] == pytest.approx((0, 7))


def test_a_percentage_drawn_bounds_its_numerator_by_the_rounding_of_the_percentage() -> None:
    """A [c] numerator of 3 with its denominator 60 published is safe, until a chart draws
    5.0%: 3 is then the only count within 60 x [4.95%, 5.05%)."""
    published = _record("scorecard", {IR08["numerator"]: (3, "[c]"), IR08["denominator"]: (60, "60")})
    drawn = publication_audit.rate("IR-08", DATE, {"numerator": 3, "denominator": 60, "value": 5.0}, 1)
    assert (drawn["low"], drawn["high"]) == pytest.approx((0.0495, 0.0505))
    assert protect(Publication.from_sidecars([published])).passed
    chart = _record("chart", {}, rates=(drawn,))
    pub = Publication.from_sidecars([published, chart])
    assert len(pub.rates) == 1 and not protect(pub).passed
    lo, hi = check(pub, Protection(), set())[IR08["numerator"]]
    assert lo == pytest.approx(2.97) and hi == pytest.approx(3.03)


def test_percentage_charts_record_the_points_they_draw(tmp_path: Path) -> None:
    """A % trend records each drawn point with its numerator and denominator keys; a point
    whose complement is small (58 of 60) is not drawn, so not recorded."""
    dates = pd.to_datetime(["2025-01-31", "2025-02-28", "2025-03-31"])
    trend = pd.DataFrame({"indicator": "IR-08", "date": dates, "numerator": [50, 58, 3],
                          "denominator": [60, 60, 60], "value": [250 / 3, 290 / 3, 5.0]})
    publication_audit.record_to(tmp_path)
    try:
        charts.indicator_trend(trend, la_name="Test")
    finally:
        publication_audit.record_to(None)
    (record,) = _sidecars_in(tmp_path)
    assert record["kind"] == "chart" and record["cells"] == []
    (point,) = record["rates"]  # 58/60 (complement 2) and 3/60 (small) are not drawn
    assert point["numerator"] == figure_key("IR-08", dates[0], "numerator") and point["values"] == [50, 60]
    assert (point["low"], point["high"]) == pytest.approx((0.8325, 0.8335))
