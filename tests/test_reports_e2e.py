"""End to end: build both reports for the synthetic data with the real notebooks, then read
the HTML and PDF text back and check them against the spec and the indicator engine.

Sections follow ``shared/spec/reports.md``; headline numbers must equal
``cpanalytics.measures.indicators`` for the year; no child identifier may appear.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from docx import Document
from pypdf import PdfReader

import cpanalytics
from cpanalytics.measures.indicators import compute

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "synthetic"
YEAR = 2025
AS_AT = pd.Timestamp("2025-03-31")

CP_SECTIONS = [
    "Foreword", "Introduction to corporate parenting and the panel",
    "Our children in care at a glance", "Placement stability", "Health of children in care",
    "Adoption", "Unaccompanied asylum-seeking children", "Care leavers",
    "Performance scorecard", "Services and achievements",
    "How elected members can get involved", "Appendix: data sources and definitions",
]
IRO_SECTIONS = [
    "Introduction and the development of the service", "Executive summary",
    "Service demographics", "Children leaving care", "IRO caseloads", "Review timeliness",
    "Participation", "Achieving permanence", "Dispute resolution", "Quality of care plans",
    "What children and young people told us", "Conclusion", "Priorities for next year",
    "Appendix: data sources and definitions",
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _html_text(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _squash(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("e2e-out")
    done = subprocess.run(
        [sys.executable, "-m", "cpanalytics", "build", "--data", str(DATA), "--year", str(YEAR),
         "--out", str(out), "--engine", "builtin", "--la-name", "Synthetic County Council"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    year_dir = out / str(YEAR)
    result: dict[str, object] = {"dir": year_dir, "stdout": done.stdout}
    for key, stem in (("cp", f"corporate-parenting-{YEAR}"), ("iro", f"iro-annual-{YEAR}")):
        page = (year_dir / f"{stem}.html").read_text(encoding="utf-8")
        reader = PdfReader(year_dir / f"{stem}.pdf")
        result[f"{key}_html"] = page
        result[f"{key}_html_text"] = _html_text(page)
        result[f"{key}_pdf"] = reader
        result[f"{key}_pdf_text"] = _squash(" ".join(p.extract_text() or "" for p in reader.pages))
        word = Document(str(year_dir / f"{stem}.docx"))
        result[f"{key}_docx"] = word
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        result[f"{key}_docx_text"] = _squash(" ".join([p.text for p in word.paragraphs] + cells))
    return result


@pytest.fixture(scope="module")
def data() -> cpanalytics.data.model.CareData:
    return cpanalytics.load_data(DATA)


def _in_order(text: str, headings: list[str]) -> None:
    position = 0
    for heading in headings:
        found = re.search(r"\d+ " + re.escape(heading), text[position:])
        assert found, f"section {heading!r} missing or out of order"
        position += found.end()


@pytest.mark.parametrize("report, sections", [("cp", CP_SECTIONS), ("iro", IRO_SECTIONS)])
def test_every_section_in_order_in_html_and_pdf(built: dict, report: str, sections: list[str]) -> None:
    html_page = built[f"{report}_html"]
    h1 = [_html_text(h) for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html_page, flags=re.S)]
    titles = [re.sub(r"^\d+\s*", "", h) for h in h1]
    assert [t for t in titles if t in sections] == sections
    # The PDF contents list and body both carry the numbered headings; skip the contents.
    pdf_text = built[f"{report}_pdf_text"]
    body = pdf_text[pdf_text.index(sections[-1]) + len(sections[-1]):]
    _in_order(body, sections)


def _value(data, indicator_id: str) -> float:
    return float(compute(indicator_id, data, as_at=AS_AT)["value"].iloc[0])


@pytest.mark.parametrize("report, indicator_id, sentence", [
    ("cp", "CIC-01", "There were {v:,.0f} children in care on 31 March 2025"),
    ("cp", "PS-01", "{v:.1f}% of children in care had three or more placements in the last 12 months"),
    ("cp", "HE-02", "{v:.1f}% of Initial Health Assessments were completed within 20 working days"),
    ("cp", "AD-01", "waited an average of {v:,.0f} days from entering care to moving in with their adoptive family"),
    ("cp", "CL-01", "{v:.1f}% of care leavers were in touch"),
    ("iro", "IR-01", "{v:.1f}% of children in care had every review held within timescale"),
    ("iro", "IR-02", "Children participated in {v:.1f}% of their reviews in the last 12 months"),
])
def test_headline_numbers_equal_the_indicator_engine(
    built: dict, data, report: str, indicator_id: str, sentence: str
) -> None:
    expected = sentence.format(v=_value(data, indicator_id))
    assert expected in built[f"{report}_html_text"]
    assert expected in built[f"{report}_pdf_text"]


def test_no_child_identifier_in_any_output(built: dict, data) -> None:
    header = data.header
    ids = {str(c) for c in header["CHILD"].dropna()} | {str(u) for u in header["UPN"].dropna()}
    postcodes = set()
    for col in ("HOME_POST", "PL_POST"):
        postcodes |= {str(p).strip() for p in data.episodes[col].dropna() if len(str(p)) >= 6}
    # DOBs written the ways a report could print them, leaving out month starts and ends,
    # which are also period dates that reports print legitimately.
    dobs = pd.to_datetime(header["DOB"].dropna())
    dobs = dobs[~(dobs.dt.is_month_end | dobs.dt.is_month_start)]
    dob_text = set(dobs.dt.strftime("%d/%m/%Y")) | set(dobs.dt.strftime("%Y-%m-%d"))
    year_dir: Path = built["dir"]
    texts = {
        "cp html": built["cp_html_text"], "iro html": built["iro_html_text"],
        "cp pdf": built["cp_pdf_text"], "iro pdf": built["iro_pdf_text"],
        "cp docx": built["cp_docx_text"], "iro docx": built["iro_docx_text"],
    }
    for path in [*year_dir.glob("tables/*.csv"), *year_dir.glob("notebooks/*.ipynb")]:
        texts[path.name] = path.read_text(encoding="utf-8")
    for name, text in texts.items():
        tokens = set(re.findall(r"[A-Za-z0-9]+", text))
        assert not (ids & tokens), f"child id or UPN in {name}"
        squashed = text.replace(" ", "")
        assert not [p for p in postcodes if p.replace(" ", "") in squashed], f"postcode in {name}"
        assert not [d for d in dob_text if d in text], f"date of birth in {name}"


@pytest.mark.parametrize("report", ["cp", "iro"])
def test_every_image_has_alt_text_and_the_html_is_self_contained(built: dict, report: str) -> None:
    page = built[f"{report}_html"]
    images = re.findall(r"<img\b[^>]*>", page)
    assert images, "the report should contain charts"
    for img in images:
        alt = re.search(r'\balt="([^"]*)"', img)
        assert alt and alt.group(1).strip(), img[:120]
        assert re.search(r'\bsrc="data:', img), "images must be embedded as data URIs"
    assert not re.search(r"<link\b[^>]*\bhref=\"(?!data:|#)", page)
    assert not re.search(r"<script\b[^>]*\bsrc=", page)
    assert not re.search(r"""\b(?:src|srcset)=["'](?:https?:)?//""", page)


@pytest.mark.parametrize("report, title", [
    ("cp", "Annual Corporate Parenting Report"), ("iro", "Independent Reviewing Officer Service Annual Report"),
])
def test_pdf_has_toc_page_numbers_metadata_and_a4(built: dict, report: str, title: str) -> None:
    reader: PdfReader = built[f"{report}_pdf"]
    first = reader.pages[0]
    assert "Contents" in (first.extract_text() or "")
    assert f"Page 2 of {len(reader.pages)}" in _squash(reader.pages[1].extract_text() or "")
    assert reader.metadata.title.startswith(title)
    assert "Synthetic County Council" in (reader.metadata.author or "")
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


@pytest.mark.parametrize("report, sections, title", [
    ("cp", CP_SECTIONS, "Annual Corporate Parenting Report"),
    ("iro", IRO_SECTIONS, "Independent Reviewing Officer Service Annual Report"),
])
def test_word_report_for_committee_papers(
    built: dict, report: str, sections: list[str], title: str
) -> None:
    """The DOCX: real numbered headings, real tables, alt text on every chart, the council
    and the report date in the document properties (issue 15, item 2)."""
    word = built[f"{report}_docx"]
    heads = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [h.split("\t", 1)[1] for h in heads] == sections
    assert all(h.startswith(f"{n}\t") for n, h in enumerate(heads, start=1))
    assert len(word.tables) > 0
    for table in word.tables:  # a header row of text, then rows
        assert len(table.rows) >= 2 and all(c.text.strip() for c in table.rows[0].cells)
    alts = word.element.body.xpath(".//wp:docPr/@descr")
    html_alts = re.findall(r'<img\b[^>]*\balt="([^"]*)"', built[f"{report}_html"])
    assert len(alts) == len(html_alts) > 0
    assert [html_lib.unescape(a) for a in html_alts] == alts  # the cells' fig-alt, in order
    props = word.core_properties
    staged = yaml.safe_load((built["dir"] / "source" / "_quarto.yml").read_text(encoding="utf-8"))
    assert props.title == title
    assert props.author == "Synthetic County Council"
    assert props.subject == "Synthetic County Council, 2024/25: 1 April 2024 to 31 March 2025"
    assert props.created is not None and props.created.date() == staged["date"]


def test_manifest_lists_the_published_documents(built: dict) -> None:
    import hashlib
    import json

    manifest = json.loads((built["dir"] / "manifest.json").read_text())
    names = [f"{stem}-{YEAR}.{ext}" for stem in ("corporate-parenting", "iro-annual")
             for ext in ("docx", "html", "pdf")]
    assert sorted(manifest["reports"]) == names
    for name in names:
        digest = hashlib.sha256((built["dir"] / name).read_bytes()).hexdigest()
        assert manifest["reports"][name] == digest
    assert manifest["privacy_audit"]["identifiers_found"] == 0


def test_html_has_no_serious_accessibility_violations(built: dict) -> None:
    """axe-core in headless Chromium (Debian's chromium; `make a11y` installs it)."""
    import shutil

    if not (shutil.which("chromium") and shutil.which("node") and shutil.which("npm")):
        pytest.skip("needs chromium, node and npm (apt-get install chromium; see `make a11y`)")
    tool = ROOT / "tools" / "a11y"
    if not (tool / "node_modules" / "axe-core").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=tool,
                       check=True, timeout=300)
    year_dir: Path = built["dir"]
    pages = [str(year_dir / f"{stem}-{YEAR}.html") for stem in ("corporate-parenting", "iro-annual")]
    done = subprocess.run(["node", str(tool / "check.mjs"), *pages], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("0 serious or critical") == 2


def test_build_reports_where_the_time_went(built: dict) -> None:
    import json

    manifest = json.loads((built["dir"] / "manifest.json").read_text())
    timings = manifest["timings"]
    assert {"load", "validate", "notebooks", "indicators", "exports", "render", "audit"} <= set(timings)
    per_notebook = [n["indicator_seconds"] for n in manifest["notebooks"].values()]
    assert len(per_notebook) == 8 and all(s > 0 for s in per_notebook)
    assert timings["indicators"] == pytest.approx(sum(per_notebook), abs=0.01)
    assert "(indicators " in built["stdout"] and "summed over kernels" in built["stdout"]


def test_scorecard_is_on_landscape_pages_with_rag_words(built: dict) -> None:
    """Issue 15: the scorecard on landscape A4 pages, its table fitting them; every other page
    portrait. Each rating is printed as its word, and the change column names its period."""
    reader: PdfReader = built["cp_pdf"]
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    landscape = [i for i, size in enumerate(sizes) if size == (842, 595)]
    assert landscape and set(sizes) == {(595, 842), (842, 595)}
    assert landscape == list(range(landscape[0], landscape[-1] + 1))  # one run of pages
    text = _squash(" ".join(reader.pages[i].extract_text() or "" for i in landscape))
    assert "9 Performance scorecard" in _squash(reader.pages[landscape[0]].extract_text() or "")
    assert "Change since March 2024" in text and "England 2024/25" in text
    assert {"Green", "Amber", "Red"} <= set(text.split()) and "IR-08" in text  # the last row


def test_headline_values_equal_those_before_the_layered_package(built: dict) -> None:
    # Behaviour kept (issue 14): every headline figure the notebooks publish equals the build
    # of commit bfefaf2 (before the package moved into layers), numerator, denominator, value.
    before = json.loads((ROOT / "tests" / "fixtures" / "headlines-2025.json").read_text())["headlines"]
    for name, figures in before.items():
        now = json.loads((built["dir"] / "notebooks" / f"{name}.json").read_text())
        current = {k["id"]: [k.get("numerator"), k.get("denominator"), k.get("value")]
                   for k in now["kpis"]}
        for indicator_id, expected in figures.items():
            assert current[indicator_id] == pytest.approx(expected, nan_ok=True), (name, indicator_id)
