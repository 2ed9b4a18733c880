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
        "corporate-parenting-2025.html", "corporate-parenting-2025.pdf",
        "iro-annual-2025.html", "iro-annual-2025.pdf",
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
    assert "Figure 1 shows the proportion of reviews held on time" in iro


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
    assert "903/2025/episodes.csv" in html
    # the report shows the hash's first 12 characters; manifest.json keeps all 64
    assert "<code>0123456789ab</code>" in html
    assert "0123456789abc<" not in html
    assert '<td style="text-align: right;">12,345</td>' in html
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
                "narrative/foreword.md", "narrative/services.md", "appendix/manifest.md",
                "assets/report.css"):
        assert (source / rel).is_file(), rel


def test_synthetic_example_is_labelled(built: dict) -> None:
    assert "Synthetic County Council is not a real council" in built["cp_html"]
    assert "Synthetic County Council is not a real council" in built["iro_html"]
