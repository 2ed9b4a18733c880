"""Stage and render both reports with the built-in engine from fake executed notebooks."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from datetime import date
from pathlib import Path

import pypdf
import pytest
import yaml
from render_fakes import write_notebooks

from cpanalytics.render import RenderWarning, render_reports
from cpanalytics.render.stage import sources_root

pytestmark = pytest.mark.slow  # renders both reports: not in `make test-fast`

REPO = Path(__file__).resolve().parents[1]
SOURCES = sources_root()

CP_SECTIONS = [
    "Foreword",
    "Introduction to corporate parenting and the panel",
    "Our children in care at a glance",
    "Placement stability",
    "Health of children in care",
    "Adoption",
    "Unaccompanied asylum-seeking children",
    "Care leavers",
    "Performance scorecard",
    "Services and achievements",
    "How elected members can get involved",
    "Appendix: data sources and definitions",
]
IRO_SECTIONS = [
    "Introduction and the development of the service",
    "Executive summary",
    "Service demographics",
    "Children leaving care",
    "IRO caseloads",
    "Review timeliness",
    "Participation",
    "Achieving permanence",
    "Dispute resolution",
    "Quality of care plans",
    "What children and young people told us",
    "Conclusion",
    "Priorities for next year",
    "Appendix: data sources and definitions",
]
MANIFEST = {
    "la_name": "Synthetic County Council",
    "files": [
        {"path": "903/2025/episodes.csv", "table": "episodes", "year": 2025, "rows": 12345,
         "sha256": "0123456789abcdef" * 4},
    ],
    "warnings": [
        {"severity": "warning", "rule": "W101", "file": "episodes.csv", "message": "late entry",
         "count": 3},
        {"severity": "warning", "rule": "W101", "file": "episodes.csv", "message": "late entry"},
        "header.csv: unusual ethnicity code",
    ],
    "software": {"cpanalytics": "0.1.0", "pandas": "3.1.0"},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both reports rendered for 2025 with services.md left out of the narrative folder."""
    root = tmp_path_factory.mktemp("render")
    out = root / "out"
    write_notebooks(SOURCES / "reports", out / "2025" / "notebooks")
    (out / "2025" / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    narrative = root / "narrative"
    shutil.copytree(REPO / "data" / "synthetic" / "narrative" / "2025", narrative)
    (narrative / "services.md").unlink()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = render_reports(2025, out, engine="builtin", narrative_dir=narrative,
                                today=date(2025, 7, 14))
    year = out / "2025"
    cp_pdf = pypdf.PdfReader(year / "corporate-parenting-2025.pdf")
    iro_pdf = pypdf.PdfReader(year / "iro-annual-2025.pdf")
    return {
        "result": result,
        "caught": [str(w.message) for w in caught if w.category is RenderWarning],
        "year": year,
        "cp_html": (year / "corporate-parenting-2025.html").read_text(encoding="utf-8"),
        "iro_html": (year / "iro-annual-2025.html").read_text(encoding="utf-8"),
        "cp_pdf": cp_pdf,
        "iro_pdf": iro_pdf,
        "cp_pages": [page.extract_text() for page in cp_pdf.pages],
        "iro_pages": [page.extract_text() for page in iro_pdf.pages],
    }


def _h1s(html: str) -> list[str]:
    main = html.split("<main", 1)[1]
    heads = re.findall(r"<h1[^>]*>(.*?)</h1>", main, flags=re.S)
    return [re.sub(r"<[^>]+>", "", re.sub(r'<span class="header-section-number">.*?</span>', "", h))
            .strip() for h in heads]


def _pdf_text(pages: list[str], first: int = 0) -> str:
    return "\n".join(pages[first:])


def test_outputs_are_written(built: dict) -> None:
    assert sorted(p.name for p in built["result"].outputs.values()) == [
        "corporate-parenting-2025.docx", "corporate-parenting-2025.html",
        "corporate-parenting-2025.pdf", "iro-annual-2025.docx", "iro-annual-2025.html",
        "iro-annual-2025.pdf",
    ]
    assert built["result"].engine == "builtin"


def test_html_sections_in_order(built: dict) -> None:
    assert _h1s(built["cp_html"]) == CP_SECTIONS
    assert _h1s(built["iro_html"]) == IRO_SECTIONS


def test_pdf_sections_numbered_in_order(built: dict) -> None:
    # Page 1 holds the title and contents; the body headings follow as "n Title".
    for pages, sections in ((built["cp_pages"], CP_SECTIONS), (built["iro_pages"], IRO_SECTIONS)):
        text = _pdf_text(pages, first=1)
        positions = [text.index(f"\n{n} {title}") for n, title in enumerate(sections, start=1)]
        assert positions == sorted(positions)


def test_pdf_contents_page_and_page_numbers(built: dict) -> None:
    pages = built["cp_pages"]
    assert "Contents" in pages[0]
    assert pages[0].strip().endswith(f"Page 1 of {len(pages)}")
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_pdf_metadata_and_a4(built: dict) -> None:
    reader = built["cp_pdf"]
    assert reader.metadata.title == "Annual Corporate Parenting Report"
    assert reader.metadata.author == "Synthetic County Council"
    assert reader.metadata["/CreationDate"].startswith("D:20250714")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_cross_references_are_numbered_per_document(built: dict) -> None:
    # CP order of embeds: fig-cic-trend is the 1st figure, fig-ps01/02 the 2nd and 3rd;
    # tables: cic-profile 1, cic-location 2, ps03 3, ps04 4, he03 x2 5-6, rha 7, he06 8,
    # ad04 9, ad-timeliness 10, ad05 11, ad07 12, ua02-05 13-16, cl 17, scorecard 18.
    cp = built["cp_html"]
    assert '<a href="#fig-cic-trend">Figure 1</a> shows the number' in cp
    assert '<a href="#fig-ps02-trend">Figure 3</a>' in cp
    assert '<a href="#tbl-scorecard">Table 20</a> lists every key' in cp
    assert "<caption>Table 20: Caption of tbl-scorecard</caption>" in cp
    text = _pdf_text(built["cp_pages"])
    assert "Figure 1 shows the number of children in care" in text
    assert "Figure 1: Caption of fig-cic-trend" in text
    assert "@fig" not in text and "@tbl" not in text
    # IRO: ps03 is its first table, ir01 its first figure.
    iro = _pdf_text(built["iro_pages"])
    assert "Table 1 shows the children who had three or more placements" in iro
    assert "Figure 1 shows the proportion of children whose reviews were all held on time" in iro


def test_missing_narrative_shows_placeholder_and_warns(built: dict) -> None:
    message = "narrative not supplied: services.md"
    assert any(message in w for w in built["caught"])
    assert any(message in w for w in built["result"].warnings)
    html = built["cp_html"]
    box = html.index('class="callout callout-warning"')
    assert html.index("Narrative not supplied: services.md") > box
    assert "Narrative not supplied: services.md" in _pdf_text(built["cp_pages"])
    # the narrative files that were supplied are there, no other placeholder
    assert html.count("Narrative not supplied") == 1
    assert "met six times during the\nyear" in html or "met six times during the year" in html


def test_every_image_has_alt_text_and_is_embedded(built: dict) -> None:
    imgs = re.findall(r"<img\b[^>]*>", built["cp_html"])
    assert len(imgs) == 7  # the seven fig- cells the CP report embeds
    for img in imgs:
        assert re.search(r'\balt="[^"]+"', img)
        assert 'src="data:image/svg+xml;base64,' in img


@pytest.mark.parametrize("report", ["cp_html", "iro_html"])
def test_html_is_self_contained(built: dict, report: str) -> None:
    html = built[report]
    assert 'src="http' not in html
    assert "<link" not in html
    assert "<script" not in html
    assert re.search(r'<html lang="en-GB"', html)
    assert "<style>" in html or "<style" in html


def test_numbers_right_aligned(built: dict) -> None:
    assert '<td style="text-align: right;">1,001</td>' in built["cp_html"]


def test_appendix_lists_files_warnings_software(built: dict) -> None:
    html = built["cp_html"]
    # one row per kind of record, in words, with its years and rows (issue 15: the file
    # names and hashes, 7 of 29 pages, stay in manifest.json)
    assert re.search(r"<td[^>]*>Episodes of care \(legal status and placements\)</td>\s*"
                     r"<td[^>]*>SSDA903 return</td>\s*<td[^>]*>2025</td>\s*"
                     r'<td style="text-align: right;">12,345</td>', html)
    assert "903/2025/episodes.csv" not in html
    assert "0123456789ab" not in html
    # the grouped W101 record (count 3) and a second W101 record (count 1): 3 + 1 = 4
    assert re.search(r"late entry</td>\s*<td[^>]*>4</td>", html)
    assert re.search(r"unusual ethnicity code</td>\s*<td[^>]*>1</td>", html)
    assert "pandas 3.1.0" in html


def test_staged_project_is_a_quarto_project(built: dict) -> None:
    source = built["result"].source
    config = yaml.safe_load((source / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["author"] == "Synthetic County Council"
    assert config["date"] == date(2025, 7, 14)
    assert config["project"]["render"] == ["corporate_parenting.qmd", "iro_annual.qmd"]
    variables = yaml.safe_load((source / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["period"] == "1 April 2024 to 31 March 2025"
    assert variables["year_label"] == "2024/25"
    for rel in ("corporate_parenting.qmd", "iro_annual.qmd", "notebooks/scorecard.ipynb",
                "narrative/foreword.md", "narrative/services.md", "appendix/manifest.md"):
        assert (source / rel).is_file(), rel
    # the house style is a Quarto custom format extension, and the project renders with it
    assert config["format"]["cpanalytics-html"] == "default"
    assert config["format"]["cpanalytics-typst"] == "default"
    assert config["format"]["cpanalytics-docx"] == {"toc": False}
    style = source / "_extensions" / "cpanalytics"
    formats = yaml.safe_load((style / "_extension.yml").read_text(encoding="utf-8"))
    formats = formats["contributes"]["formats"]
    assert formats["typst"]["template-partials"] == ["typst-template.typ", "typst-show.typ"]
    assert formats["html"]["format-links"] is False
    referenced = [formats["html"]["template"], formats["html"]["css"],
                  formats["docx"]["reference-doc"], *formats["typst"]["template-partials"],
                  "fonts/OFL.txt", "fonts/SourceSans3_400Regular.ttf"]
    assert all((style / name).is_file() for name in referenced), referenced
    assert (style / formats["typst"]["font-paths"][0]).is_dir()


def test_synthetic_example_is_labelled(built: dict) -> None:
    assert "Synthetic County Council is not a real council" in built["cp_html"]
    assert "Synthetic County Council is not a real council" in built["iro_html"]


def test_pdf_uses_only_the_bundled_fonts(built: dict) -> None:
    # Source Sans 3 from the package (Typst ignores system fonts; chart text naming no font it
    # has falls back to it) and Typst's own mono font
    fonts = {str(font["/BaseFont"]).split("+", 1)[-1]
             for page in built["cp_pdf"].pages
             for font in page["/Resources"]["/Font"].get_object().values()
             if "/BaseFont" in font.get_object()}
    assert {"SourceSans3-Regular", "SourceSans3-Bold"} <= fonts
    assert fonts <= {"SourceSans3-Regular", "SourceSans3-Bold", "SourceSans3-Italic",
                     "SourceSans3-BoldItalic", "DejaVuSansMono"}


@pytest.mark.parametrize("report", ["cp_html", "iro_html"])
def test_html_embeds_the_house_font_and_has_no_format_links(built: dict, report: str) -> None:
    html = built[report]
    assert html.count("@font-face") == 4
    assert 'font-family: "Source Sans 3"' in html
    assert "url(data:font/woff2;base64," in html
    assert "Other formats" not in html


def test_word_documents(built: dict) -> None:
    from docx import Document

    year = built["year"]
    cp = Document(str(year / "corporate-parenting-2025.docx"))
    heads = [p.text for p in cp.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [h.split("\t", 1)[1] for h in heads] == CP_SECTIONS
    assert heads[0] == "1\tForeword"  # numbered, as in the PDF
    # real tables: the 20 embedded ones, then the appendix's data files and warnings
    assert len(cp.tables) == 22
    assert [c.text for c in cp.tables[0].rows[0].cells] == ["Group", "Measure 1", "Measure 2"]
    # every chart a PNG with its fig-alt as the picture's description
    alts = cp.element.body.xpath(".//wp:docPr/@descr")
    assert len(alts) == 7
    assert alts[0] == "Bar chart for fig-cic-trend: the first bar is taller than the second."
    props = cp.core_properties
    council = "Synthetic County Council"  # from the manifest
    assert (props.title, props.author) == ("Annual Corporate Parenting Report", council)
    assert props.subject == f"{council}, 2024/25: 1 April 2024 to 31 March 2025"
    assert props.created is not None and props.created.date() == date(2025, 7, 14)
    assert props.language == "en-GB"
    # the house reference document: its font embedded, its footer
    assert any(p.style is not None and p.style.name == "Callout" for p in cp.paragraphs)
    footer = cp.sections[0].footer._element.xml
    assert "NUMPAGES" in footer and "Page " in footer
    iro = Document(str(year / "iro-annual-2025.docx"))
    heads = [p.text.split("\t", 1)[1] for p in iro.paragraphs
             if p.style is not None and p.style.name == "Heading 1"]
    assert heads == IRO_SECTIONS

