"""The report sections (cpanalytics.runtime.sections): every registered section is labelled,
captioned and embedded, the notebooks and docs/report-labels.md are generated from the
registry, and sections run on a small hand-built data root publish the expected tables."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from builders import write_small_root
from IPython.display import Markdown

from cpanalytics.publish import publication_audit
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime import sections
from cpanalytics.runtime.sections import registry

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "src" / "cpanalytics" / "resources" / "reports"
EMBED = re.compile(r"\{\{<\s*embed\s+notebooks/(\w+)\.ipynb#([\w-]+)\s*>\}\}")


def _generator():
    """tools/make_notebooks.py as a module."""
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("label", list(sections.SECTIONS))
def test_every_section_has_its_label_caption_and_alt_text(label):
    entry = sections.SECTIONS[label]
    assert entry.notebook in sections.NOTEBOOKS and entry.summary
    assert entry.func.__doc__, f"{label}: the section function needs a docstring"
    if entry.kind == "fig":
        assert entry.caption and entry.alt and len(entry.alt) > 40
    elif entry.kind == "tbl":
        assert entry.caption and entry.alt is None
    else:
        assert entry.kind == "txt" and entry.caption is None and entry.alt is None


def test_the_reports_embed_every_section_and_no_other_label():
    embedded = {m.groups() for qmd in REPORTS.glob("*.qmd") for m in EMBED.finditer(qmd.read_text())}
    # the pack's paragraphs are split by KPI and embedded by the staging (cpanalytics.render.pack),
    # for the KPIs rated Amber or Red that month
    from cpanalytics.runtime.sections.pack import PARAGRAPHS

    embedded |= {("pack", PARAGRAPHS)}
    registered = {(s.notebook, s.label) for s in sections.SECTIONS.values()}
    assert embedded == registered


def test_the_registry_refuses_a_figure_without_alt_text_an_unknown_kind_and_a_repeat():
    with pytest.raises(ValueError, match="fig- takes caption and alt"):
        registry.section("fig-x", notebook="scorecard", summary="a chart", caption="A chart")
    with pytest.raises(ValueError, match="txt- neither"):
        registry.section("txt-x", notebook="scorecard", summary="text", caption="Text")
    with pytest.raises(ValueError, match="starts fig-, tbl- or txt-"):
        registry.section("chart-x", notebook="scorecard", summary="a chart")
    again = registry.section("tbl-scorecard", notebook="scorecard", summary="again", caption="Again")
    with pytest.raises(ValueError, match="registered twice"):
        again(lambda ctx: None)


def test_notebooks_and_labels_doc_are_generated_from_the_registry():
    stale = [path.name for path, text in _generator().outputs().items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    assert stale == [], "run tools/make_notebooks.py"


@pytest.mark.parametrize("name", list(sections.NOTEBOOKS))
def test_each_notebook_cell_is_one_call_to_its_section(name):
    notebook = nbformat.read(_generator().NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    cells = [c.source.splitlines() for c in notebook.cells if c.cell_type == "code"][2:]
    expected = [[*s.cell_options, f'sections.run("{s.label}", ctx)']
                for s in sections.sections_of(name)]
    assert cells == expected


def test_the_labels_doc_lists_every_section_once():
    doc = (ROOT / "docs" / "report-labels.md").read_text()
    rows = re.findall(r"^\| (\w+) \| `([\w-]+)` \| (.+) \|$", doc, flags=re.MULTILINE)
    assert [(n, lb) for n, lb, _ in rows] == [
        (s.notebook, s.label) for n in sections.NOTEBOOKS for s in sections.sections_of(n)]
    assert ("scorecard", "tbl-scorecard", "every KPI: value, n/d, target, RAG, direction, "
            "year ago, England") in rows


# --- sections run on tests/builders.small_year (2019) ------------------------------------
# Child 001: in care since 01/01/2018, male, WBRI, born 01/06/2010, full care order (C2),
# foster placement U1. Child 002: started 01/05/2018 under Section 20 (V2), female, BAFR,
# born 15/01/2008, ceased 01/02/2019 with REC E13 (left care to live with parents, relatives
# or other person with no parental responsibility; DfE SSDA903 guidance, reason episode
# ceased). As at 31 March 2019 (financial year 2018-19), only child 001 is in care.


@pytest.fixture
def ctx(tmp_path):
    """A children in care context on the small data root, unsuppressed."""
    data = write_small_root(tmp_path / "data", (2019,))
    try:
        yield sections.context("children_in_care", data, 2019, la_name="Test Council",
                               suppress=False, output_dir=str(tmp_path / "out"))
    finally:
        publication_audit.record_to(None)


@pytest.fixture
def shown(monkeypatch):
    """The Markdown each section displays."""
    found: list[str] = []
    monkeypatch.setattr(nb, "display", lambda obj, **_: found.append(
        obj.data if isinstance(obj, Markdown) else str(obj)))
    return found


def _table(ctx, label):
    return pd.read_csv(ctx.out / "tables" / f"{label}.csv", dtype=str, keep_default_na=False)


def test_ceased_compares_this_year_with_last(ctx, shown):
    sections.run("tbl-cic03-ceased", ctx)
    # 2018-19: child 002 (E13); 2017-18: nobody ceased, so no percentage ([x]).
    assert _table(ctx, "tbl-cic03-ceased").values.tolist() == [
        ["Left to live with parents or relatives", "1", "100.0", "0", "[x]"],
        ["Total", "1", "100.0", "0", "[x]"],
    ]
    assert list(_table(ctx, "tbl-cic03-ceased").columns) == [
        "Reason", "2018-19", "2018-19 %", "2017-18", "2017-18 %"]
    # the table and its symbols note are one block, kept on one page in the PDF
    assert shown and shown[0].startswith("::: {#note-tbl-cic03-ceased}\n\n| Reason |")
    assert shown[0].endswith("[z] not applicable.\n\n:::")


def test_profile_and_entry_profile(ctx, shown):
    sections.run("tbl-cic-profile", ctx)
    sections.run("tbl-cic-entry-profile", ctx)
    # In care on 31/03/2019: child 001, aged 8 (born 01/06/2010), so "5 to 9".
    assert _table(ctx, "tbl-cic-profile").values.tolist() == [
        ["All children", "", "1", "100.0"], ["Age band", "5 to 9", "1", "100.0"],
        ["Sex", "Male", "1", "100.0"], ["Ethnic group", "White", "1", "100.0"],
        ["Legal status", "Full care order", "1", "100.0"],
        ["Placement type", "Foster care", "1", "100.0"],
    ]
    # Started in 2018-19: child 002, aged 10 at entry on 01/05/2018 (born 15/01/2008), under
    # Section 20. The IRO report compares with the year before (issue 15): in 2017-18
    # child 001 started, on 01/01/2018, aged 7 (born 01/06/2010), male, White, on a full
    # care order (C2). Age bands and legal statuses keep their own order.
    entry = _table(ctx, "tbl-cic-entry-profile")
    assert list(entry.columns) == ["Characteristic", "Group", "2018-19", "2018-19 %",
                                   "2017-18", "2017-18 %"]
    assert entry.values.tolist() == [
        ["All children", "", "1", "100.0", "1", "100.0"],
        ["Sex", "Female", "1", "100.0", "0", "0.0"], ["Sex", "Male", "0", "0.0", "1", "100.0"],
        ["Ethnic group", "Black or Black British", "1", "100.0", "0", "0.0"],
        ["Ethnic group", "White", "0", "0.0", "1", "100.0"],
        ["Age band", "5 to 9", "0", "0.0", "1", "100.0"],
        ["Age band", "10 to 15", "1", "100.0", "0", "0.0"],
        ["Legal status", "Full care order", "0", "0.0", "1", "100.0"],
        ["Legal status", "Section 20", "1", "100.0", "0", "0.0"],
    ]


def test_headline_json_and_a_shared_result(ctx):
    sections.write_headlines(ctx)
    payload = json.loads((ctx.out / "children_in_care.json").read_text())
    records = {r["id"]: r for r in payload["kpis"]}
    assert payload["notebook"] == "children_in_care"
    assert list(records) == ["CIC-01", "CIC-02", "CIC-03S", "CIC-04", "CIC-06", "CIC-07",
                             "CIC-08", "CIC-08D", "CIC-09"]
    assert records["CIC-01"]["value"] == 1.0  # child 001
    assert records["CIC-03S"]["value"] == 1.0  # child 002 started on 01/05/2018
    assert records["CIC-02"]["note"] == "Not available: needs local/population.csv"
    # The headline's results are the ones the sections then use, computed once per run.
    assert ctx.compute("CIC-01") is ctx.compute("CIC-01")


def test_an_unknown_label_names_the_contract(ctx):
    with pytest.raises(KeyError, match="no section labelled 'tbl-nothing'"):
        sections.run("tbl-nothing", ctx)


def test_about_these_figures_is_plain_english(ctx, shown):
    # Issue 15: "About these figures" is for elected members: the measure's name, its id and
    # period, its plain definition and which way is better; the source by name, never the
    # file names or field names of the technical definition (docs/indicators.md).
    sections.run("txt-cic-about-ceased", ctx)
    sections.run("txt-cic-about-starts", ctx)
    assert shown[0] == (
        "- **Children who ceased to be looked after, by reason** (CIC-03, 1 April 2018 to 31 "
        "March 2019). Children who stopped being looked after during the year, by why they left "
        "care (for example adopted, or returned home). A child who left care more than once is "
        "counted once.\n\nSource: SSDA903 (the council's statutory return to the DfE on children "
        "looked after).")
    assert shown[1].startswith("- **Children who started to be looked after** (CIC-03S, 1 "
                               "April 2018 to 31 March 2019).")
    assert "REC" not in shown[0] and "episodes" not in shown[0]


def test_every_measure_has_a_plain_english_definition():
    # No field names, code values, file names or Python in the reports (issue 15): the
    # registry's plain definitions are what the reports print.
    from cpanalytics.data.model import LOCAL_EXTRACTS, TABLES_903
    from cpanalytics.measures.indicators import REGISTRY

    fields = {c for cols in [*TABLES_903.values(), *LOCAL_EXTRACTS.values()] for c in cols}
    for entry in REGISTRY.values():
        words = set(re.findall(r"[A-Za-z_0-9.=/]+", entry.plain))
        assert entry.plain.endswith("."), entry.id
        assert not words & fields, (entry.id, words & fields)
        assert not re.search(r"\b(?:[CDEJLPRTUV]\d+|PN\d|DR\d|local/|\w+\.csv|by=)", entry.plain), entry.id
