"""Privacy audit: planted identifiers in each kind of output are caught; aggregates are not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_pipeline import options, tree, write_data

from cpanalytics import pipeline
from cpanalytics.data.model import TABLES_903, CareData
from cpanalytics.pipeline import build
from cpanalytics.pipeline.privacy import Identifiers, audit, redact, scan_text


def care_data() -> CareData:
    """Three children: 100234 (UPN, postcodes), 100567, and short id 77 (too short to search)."""
    header = pd.DataFrame({
        "CHILD": ["100234", "100567", "77"],
        "DOB": pd.to_datetime(["2010-06-15", "2008-01-31", "2012-03-01"]),
        "UPN": ["A123456789012", "UN1", None],
    })
    episodes = pd.DataFrame({
        "CHILD": ["100234"], "HOME_POST": ["ME14 1XQ"], "PL_POST": ["ct12aa"],
    })
    tables = {name: pd.DataFrame(columns=cols) for name, cols in TABLES_903.items()}
    return CareData(tables={**tables, "header": header, "episodes": episodes})


IDS = Identifiers.from_data(care_data())


def test_identifiers_collected_and_normalised():
    # UN1 is the "no UPN" code, not a UPN; 77 is shorter than 6 characters
    assert IDS.tokens == {"100234", "100567", "A123456789012"}
    assert IDS.postcodes == {"ME141XQ", "CT12AA"}
    assert IDS.dobs == {date(2010, 6, 15), date(2008, 1, 31), date(2012, 3, 1)}
    assert IDS.skipped_short_ids == 1


@pytest.mark.parametrize(("text", "tabular", "kinds"), [
    ("Child 100234 moved twice", False, ["CHILD/UPN"]),
    ("<td>100234</td>", True, ["CHILD/UPN"]),
    ("a123456789012 is a UPN", False, ["CHILD/UPN"]),
    ("placed at ME14 1XQ", False, ["postcode"]),
    ("placed at me141xq", False, ["postcode"]),
    ("CT1 2AA,3", True, ["postcode"]),
    ("1002345 children", False, []),  # longer number: not the id
    ("denominator,100234.0", True, []),  # part of a decimal number, not the id
    ("rate 0.100234", False, []),  # decimal places
    ("child 100234.", False, ["CHILD/UPN"]),  # full stop, then no digit: the id
    ("sha 9f100234ab", False, []),  # inside a longer token
    ("ME14 1XZ", False, []),  # a different postcode
    ("ME14", False, []),  # a district only
    ("77 children", False, []),  # short ids are not searched
    ("Born 15/06/2010 in Kent", False, []),  # a DOB in prose is not identifying
    ("| 15 June 2010 | 3 |", True, ["DOB"]),
    ("2010-06-15,4", True, ["DOB"]),
    ("2008-01-31,4", True, []),  # month end: a period boundary, never flagged
    ("01/03/2012,5", True, []),  # first of a month likewise
    ("| CHILD | DOB | count |", True, ["identifier column", "identifier column"]),
    ("CHILD,Child requests end,100", True, []),  # CHILD as a reason-for-change code
])
def test_scan_text(text, tabular, kinds):
    assert sorted(k for k, _ in scan_text(text, IDS, tabular=tabular)) == sorted(kinds)


def test_identifier_column_in_a_csv_header():
    assert scan_text("CHILD,count", IDS, tabular=True, header=True) == [("identifier column", "CHILD")]


def test_redact_replaces_ids_and_postcodes_only():
    text = "Child 100234 (UPN A123456789012) at ct1 2aa has 3 placements"
    assert redact(text, IDS) == "Child [redacted] (UPN [redacted]) at [redacted] has 3 placements"


def _notebook(path: Path, output_text: str) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(x)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output_text)]
    nb.cells = [cell]
    nbformat.write(nb, path)


def _word(path: Path) -> None:
    """A Word document with a child id in the text, a DOB in a table row and a postcode in
    its document properties."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Report for child 100234.")
    row = doc.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text, row.cells[1].text = "15/06/2010", "3"
    doc.core_properties.keywords = "ME14 1XQ"
    doc.save(str(path))


def test_audit_finds_planted_identifiers_in_every_output_type(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "tbl-ok.csv").write_text("age,children\nUnder 1,12\n2025-03-31,5\n")
    (tmp_path / "tables" / "tbl-bad.csv").write_text("age,children\n100567,1\n")
    (tmp_path / "report.html").write_text("<p>Placed in ME14 1XQ</p><table><tr><td>15/06/2010</td></tr></table>")
    _notebook(tmp_path / "nb.ipynb", "child A123456789012\n")
    _notebook(tmp_path / "clean.ipynb", "12 children\n")
    pd.DataFrame({"x": ["CT12AA"]}).to_excel(tmp_path / "t.xlsx", index=False)
    import typst

    (tmp_path / "doc.typ").write_text("Report for child 100234.")
    typst.compile(str(tmp_path / "doc.typ"), output=str(tmp_path / "report.pdf"))
    (tmp_path / "doc.typ").unlink()
    _word(tmp_path / "report.docx")
    found = [(leak.file, leak.where, leak.kind) for leak in audit(tmp_path, IDS)]
    assert found == [
        ("nb.ipynb", "cell 0, line 2", "CHILD/UPN"),  # line 1 is the source "print(x)"
        ("report.docx", "docProps/core.xml", "postcode"),
        ("report.docx", "word/document.xml table row 1", "DOB"),
        ("report.docx", "word/document.xml paragraph 1", "CHILD/UPN"),
        ("report.html", "line 1", "postcode"),
        ("report.html", "line 2", "DOB"),  # the <tr> row
        ("report.pdf", "page 1", "CHILD/UPN"),
        ("t.xlsx", "sheet Sheet1 row 2", "postcode"),
        ("tables/tbl-bad.csv", "line 2", "CHILD/UPN"),
    ]
    masked = {leak.masked for leak in audit(tmp_path, IDS)}
    assert "100234" not in masked and "10****" in masked  # the report never repeats an id


@pytest.mark.slow
def test_build_fails_when_a_notebook_prints_a_child_id(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "code_version", lambda analysis_only=False: "code-v1")
    write_data(tmp_path / "data")
    assert build(options(tmp_path, "alpha")).ok
    previous = tree(tmp_path / "out" / "2025")
    result = build(options(tmp_path, "alpha", "leaky"))
    assert not result.ok
    # the leaky notebook prints the first CHILD of header.csv (100234) in cell 3's output
    assert [(x.file, x.kind, x.masked) for x in result.leaks] == [
        ("notebooks/leaky.ipynb", "CHILD/UPN", "10****")]
    assert "privacy audit FAILED: 1 child identifier(s)" in result.messages[-1]
    assert tree(tmp_path / "out" / "2025") == previous
