"""The published reports as a councillor reads them (issue 15, items 5 and 6): plain English
(no field names, bare codes, file names or Python), and a PDF layout where no two words
overlap and no text runs past the page margins, checked word by word with pdfplumber.

The layout check runs on the built-in engine's PDFs always, and on real Quarto's where the
``quarto`` command is installed.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from docx import Document

from cpanalytics.data.model import LOCAL_EXTRACTS, TABLES_903

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "synthetic"
YEAR = 2025
STEMS = {"cp": f"corporate-parenting-{YEAR}", "iro": f"iro-annual-{YEAR}"}
#: The house style's left and right page margins (typst-template.typ: 2 cm), in points.
MARGIN = 2 / 2.54 * 72

#: Every SSDA903 and local extract field name: never printed in a report.
FIELDS = sorted({c for cols in [*TABLES_903.values(), *LOCAL_EXTRACTS.values()] for c in cols})
#: SSDA903 code values the reports never explain, so never print: legal statuses (C1, E1,
#: V2, J1, L1 ...), placements (U1-U6, A3-A6, R1, K1, P1 ...), providers (PR0-PR5), reasons
#: ended (E11, E4A, E41 ...), temporary placements (T0-T4), RNE and LS themselves. The
#: adoption scorecard's measure names A1, A2 and A10 are words of the report, explained in
#: the glossary.
BARE_CODES = re.compile(
    r"\b(?:[CDJLV][1-9]|E\d{1,2}[AB]?|U[1-6]|A[3-6]|PR[0-5]|T[0-4]|R[1-5]|K[12]|P[1-3]|"
    r"Z1|X1|H5|S1|RNE|LS|OUTSTANDING|INADEQUATE|RI)\b")
#: Codes a report may show, but each with its meaning ("PN1: child attended ...").
EXPLAINED_CODES = re.compile(r"\b(?:PN[0-7]|DR[1-3])\b")
#: Program output: file names, Python, configuration and the analyst's vocabulary.
PROGRAM = re.compile(
    r"\.(?:py|csv|yaml|yml|json|ipynb)\b|\bby=|polarity|data contract|\blocal/|\b903/|"
    r"DataFrame|\bNaN\b|\bnan%|targets\.yaml|Traceback", re.IGNORECASE)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _html_text(page: str) -> str:
    body = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return _squash(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def _build(out: Path, engine: str) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "cpanalytics", "build", "--data", str(DATA), "--year", str(YEAR),
         "--out", str(out), "--engine", engine, "--la-name", "Synthetic County Council"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out / str(YEAR)


@pytest.fixture(scope="module")
def builtin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("layout-builtin"), "builtin")


@pytest.fixture(scope="module")
def quarto_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("quarto") is None:
        pytest.skip("the quarto command is not installed: only the built-in engine's PDFs "
                    "are checked (install Quarto >= 1.5 to check its PDFs too)")
    return _build(tmp_path_factory.mktemp("layout-quarto"), "quarto")


def _overlaps(chars: list[dict]) -> list[tuple[int, int]]:
    """Pairs of characters printed over each other: sharing more than 40% of the narrower's
    width and half the smaller's height (the lines above and below share only ascenders and
    descenders), and not next to each other in the text, where kerning tucks a full stop
    under a closing quote (``’.``) or a comma under a ``T``."""
    x0, x1, top, bottom = (np.array([c[k] for c in chars], dtype=float)
                           for k in ("x0", "x1", "top", "bottom"))
    order = np.argsort(x0, kind="stable")
    ends = np.searchsorted(x0[order], x1[order], side="left")
    pairs = []
    for at, (i, end) in enumerate(zip(order, ends, strict=True)):
        js = order[at + 1:end]
        wide = np.minimum(x1[i], x1[js]) - np.maximum(x0[i], x0[js])
        tall = np.minimum(bottom[i], bottom[js]) - np.maximum(top[i], top[js])
        narrow = np.minimum(x1[i] - x0[i], x1[js] - x0[js])
        short = np.minimum(bottom[i] - top[i], bottom[js] - top[js])
        hit = (wide > 0.4 * narrow) & (tall > 0.5 * short) & (np.abs(js - i) > 1)
        pairs += [(int(i), int(j)) for j in js[hit]]
    return pairs


def _separated(number: int, lines: list[str]) -> list[str]:
    """A caption or table note parted from its table or chart by a page break: a table
    caption in the last two lines of a page's body, a chart caption or a symbols note
    opening one (``lines``: the body, without the running header and the page number)."""
    faults = []
    if any(re.match(r"Table \d+: ", line) for line in lines[-2:]):
        faults.append(f"page {number}: a table caption at the foot of the page")
    if lines and re.match(r"Figure \d+: |\[c\] confidential|\[p\] provisional", lines[0]):
        faults.append(f"page {number}: {lines[0][:40]!r} opens the page, apart from its table "
                      "or chart")
    return faults


def layout_faults(pdf: Path) -> list[str]:
    """Overlapping text, text past the left or right margin (or off the page), and captions
    or notes parted from their table (:func:`_separated`), one line per fault: ``page 3:
    text overlaps in 'LRAGonth'``, ``page 5: 'Outside' past the margin``.
    pdfplumber reads two strings printed over each other as one garbled word, so overlaps
    are found between characters and reported with the word they fall in."""
    faults: list[str] = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            chars = [c for c in page.chars if c["text"].strip()]
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            for i, j in _overlaps(chars):
                x, y = (chars[i]["x0"] + chars[i]["x1"]) / 2, (chars[i]["top"] + chars[i]["bottom"]) / 2
                found = [w["text"] for w in words
                         if w["x0"] <= x <= w["x1"] and w["top"] <= y <= w["bottom"]]
                where = found[0] if found else chars[i]["text"] + chars[j]["text"]
                fault = f"page {number}: text overlaps in {where!r}"
                faults += [] if fault in faults else [fault]
            faults += _separated(number, (page.extract_text() or "").splitlines()[1:-1])
            width = float(page.width)
            faults += [f"page {number}: {w['text']!r} past the margin "
                       f"(x {w['x0']:.0f} to {w['x1']:.0f} of {width:.0f})"
                       for w in words if w["x0"] < MARGIN - 1 or w["x1"] > width - MARGIN + 1
                       or w["top"] < 0 or w["bottom"] > float(page.height)]
    return faults


def test_the_layout_check_finds_overlapping_words_and_text_past_the_margin(tmp_path: Path):
    # Two words printed over each other, and one word ending 1 cm into the right margin of
    # an A4 page with the house style's 2 cm margins (567 pt is 595 - 1 cm): two faults. A normal line of text
    # (adjacent words, lines above and below) gives none.
    import typst

    source = tmp_path / "faulty.typ"
    source.write_text(
        '#set page(paper: "a4", margin: 2cm)\n#set text(size: 10pt)\n'
        "#lorem(60)\n\n#lorem(20)\n"
        "#place(top + left, dx: 0pt, dy: 200pt)[Overlapping]\n"
        "#place(top + left, dx: 10pt, dy: 200pt)[words]\n"
        "#place(top + right, dx: 1cm, dy: 300pt)[Outside]\n", encoding="utf-8")
    pdf = tmp_path / "faulty.pdf"
    typst.compile(str(source), output=str(pdf))
    faults = layout_faults(pdf)
    assert len(faults) == 2, faults
    assert re.fullmatch(r"page 1: text overlaps in '\w+'", faults[0])
    assert faults[1] == "page 1: 'Outside' past the margin (x 535 to 567 of 595)"


@pytest.mark.e2e
@pytest.mark.parametrize("report", ["cp", "iro"])
def test_builtin_pdf_has_no_overlapping_words_and_nothing_past_the_margins(
    builtin_dir: Path, report: str
) -> None:
    assert layout_faults(builtin_dir / f"{STEMS[report]}.pdf") == []


@pytest.mark.e2e
@pytest.mark.parametrize("report", ["cp", "iro"])
def test_quarto_pdf_has_no_overlapping_words_and_nothing_past_the_margins(
    quarto_dir: Path, report: str
) -> None:
    assert layout_faults(quarto_dir / f"{STEMS[report]}.pdf") == []


def _texts(year_dir: Path, report: str) -> dict[str, str]:
    """The report's words as a reader gets them: the HTML page, the PDF and the Word file."""
    stem = STEMS[report]
    with pdfplumber.open(year_dir / f"{stem}.pdf") as doc:
        pdf = _squash(" ".join(page.extract_text() or "" for page in doc.pages))
    word = Document(str(year_dir / f"{stem}.docx"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    return {"html": _html_text((year_dir / f"{stem}.html").read_text(encoding="utf-8")),
            "pdf": pdf, "docx": _squash(" ".join([p.text for p in word.paragraphs] + cells))}


@pytest.mark.e2e
@pytest.mark.parametrize("report", ["cp", "iro"])
def test_reports_read_as_plain_english(builtin_dir: Path, report: str) -> None:
    """No field names, bare code values, file names or Python in any format of either report;
    a PN or DR code only where the report also gives its meaning."""
    for kind, text in _texts(builtin_dir, report).items():
        fields = sorted({f for f in FIELDS if re.search(rf"\b{f}\b", text)})
        assert fields == [], f"{report} {kind}: field names {fields}"
        assert sorted(set(BARE_CODES.findall(text))) == [], f"{report} {kind}: bare codes"
        assert [m[0] for m in PROGRAM.finditer(text)] == [], f"{report} {kind}: program text"
        unexplained = {c for c in EXPLAINED_CODES.findall(text) if f"{c}: " not in text}
        assert unexplained == set(), f"{report} {kind}: codes without a meaning"
    # the codes that the reports do show come with their meaning
    if report == "iro":
        text = _texts(builtin_dir, report)["pdf"]
        assert "PN1: child attended and spoke for themselves" in text
        assert "DR1: informal" in text  # a table heading, wrapped in the PDF
        assert "Requires improvement" in text


@pytest.mark.e2e
def test_table_1_hides_no_large_count_and_the_appendix_has_no_file_hashes(builtin_dir: Path):
    """Issue 15: Table 1 hid 98 placement orders as [c] to protect 2 youth-justice orders;
    the appendix spent 7 of 29 pages on file names and hashes."""
    profile = (builtin_dir / "tables" / "tbl-cic-profile.csv").read_text(encoding="utf-8")
    assert "Legal status,Placement order or youth justice,100,6.1" in profile
    assert "[c]" not in profile
    text = _texts(builtin_dir, "cp")["pdf"]
    assert not re.search(r"\b[0-9a-f]{12}\b", text)
    assert "Episodes of care (legal status and placements) SSDA903 return 2014 to 2025" in text
