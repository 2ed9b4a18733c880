"""Injection from names and narrative (issue 13): escaped LA name, sanitised narrative,
includes that cannot leave the narrative folder. Asserted on the rendered HTML and PDF."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pypdf
import pytest
from render_fakes import SVG, cell, svg_output, write_notebooks

from cpanalytics.errors import UserError
from cpanalytics.render import builtin, quarto, render_reports
from cpanalytics.render.sanitise import markdown_text, safe_url
from cpanalytics.render.stage import appendix_markdown, repository_root, stage_project
from cpanalytics.render.subset import expand_document

REPO = repository_root()
LA_NAME = "Anyshire <script>alert(1)</script> #set text(red) $5 🦊 Council"
NARRATIVE = """\
The team folder is C:\\Users\\team on the shared drive.

<script>alert(2)</script>

A photo <img src=x onerror="alert(3)"> and a frame <iframe src="javascript:alert(4)"></iframe>.

A [bad link](javascript:alert(5)), a [shouting one](JaVaScRiPt:alert(6)), a
<a href=" javascript:alert(7)">raw one</a>, [a span]{onclick="alert(8)"} and a
[good link](https://www.gov.uk/).

<div onmouseover="alert(9)">Hover text.</div>

```{=typst}
#set page(fill: red)
```

::: {.callout-tip title="Tip <script>alert(11)</script> C:\\d?"}
Inside the callout.
:::

{{< include extra/more.md >}}

![A dot](narrative/extra/dot.svg)
"""
MANIFEST = {"files": [{"path": "903/<script>alert(10)</script>.csv", "table": "header",
                       "year": 2025, "rows": 1, "sha256": "ab" * 32}],
            "software": {"cpanalytics": "0.1.0"}}
LIVE = re.compile(r"<script|<iframe|\bon\w+\s*=|javascript:", re.IGNORECASE)


def _stage(tmp_path: Path, narrative: Path) -> None:
    (tmp_path / "nb").mkdir()
    stage_project(2025, tmp_path / "out", notebooks_dir=tmp_path / "nb", narrative_dir=narrative,
                  la_name="X", appendix="", today=date(2025, 7, 14))


def _narrative(folder: Path) -> Path:
    shutil.copytree(REPO / "data" / "synthetic" / "narrative" / "2025", folder)
    (folder / "iro_introduction.md").write_text(NARRATIVE, encoding="utf-8")
    (folder / "extra").mkdir()
    (folder / "extra" / "more.md").write_text("Included from a subfolder.\n", encoding="utf-8")
    (folder / "extra" / "dot.svg").write_text(SVG, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The IRO report (HTML and PDF) with a hostile LA name, narrative and manifest."""
    root = tmp_path_factory.mktemp("inject")
    out = root / "out"
    write_notebooks(REPO / "reports", out / "2025" / "notebooks")
    staged = stage_project(2025, out, notebooks_dir=out / "2025" / "notebooks",
                           narrative_dir=_narrative(root / "narrative"), la_name=LA_NAME,
                           appendix=appendix_markdown(MANIFEST), today=date(2025, 7, 14))
    html = builtin.render_document(staged.path, "iro_annual", "html", root / "iro.html")
    pdf = pypdf.PdfReader(builtin.render_document(staged.path, "iro_annual", "pdf",
                                                  root / "iro.pdf"))
    return {"html": html.read_text(encoding="utf-8"), "pdf": pdf,
            "pdf_text": "\n".join(page.extract_text() for page in pdf.pages)}


def test_la_name_is_text_in_html(rendered: dict) -> None:
    html = rendered["html"]
    assert not LIVE.search(html)
    shown = "Anyshire &lt;script&gt;alert(1)&lt;/script&gt; #set text(red) $5 🦊 Council"
    assert f'<p class="author">{shown}</p>' in html
    assert f'<p class="subtitle">{shown}, 2024/25' in html
    assert f"calculated from the {shown} SSDA903 returns" in html


def test_la_name_prints_literally_in_pdf(rendered: dict) -> None:
    # Typst's # and $ print as typed; the emoji, which no PDF font has, is named instead
    literal = "Anyshire <script>alert(1)</script> #set text(red) $5 (fox face) Council"
    text = " ".join(rendered["pdf_text"].split())
    assert f"{literal}, 2024/25" in text
    assert f"calculated from the {literal} SSDA903" in text
    assert rendered["pdf"].metadata.author == literal
    assert rendered["pdf"].metadata.title == "Independent Reviewing Officer Service Annual Report"


def test_emoji_kept_in_html(rendered: dict) -> None:
    assert "🦊 Council" in rendered["html"]


def test_narrative_publishes_no_live_markup(rendered: dict) -> None:
    html = rendered["html"]
    assert not LIVE.search(html)
    for text in ("bad link", "shouting one", "raw one", "a span", "Hover text."):
        assert text in html
    assert '<a href="https://www.gov.uk/">good link</a>' in html
    assert "Included from a subfolder." in html
    assert '<img role="img" aria-label="A dot" src="data:image/svg+xml;base64,' in html


def test_narrative_backslashes_and_raw_typst_print_as_typed(rendered: dict) -> None:
    assert "C:\\Users\\team on the shared drive" in rendered["html"]
    text = rendered["pdf_text"]
    assert "C:\\Users\\team on the shared drive" in text
    assert "#set page(fill: red)" in text
    assert not re.search(r"alert\((?!1\)|10\)|11\))", text)  # only the LA name, file, title


def test_callout_title_is_plain_text(rendered: dict) -> None:
    assert "<p>Tip &lt;script&gt;alert(11)&lt;/script&gt; C:\\d?</p>" in rendered["html"]
    assert "Tip <script>alert(11)</script> C:\\d?\nInside the callout." in rendered["pdf_text"]


def test_appendix_file_names_are_text(rendered: dict) -> None:
    assert "903/&lt;script&gt;alert(10)&lt;/script&gt;.csv" in rendered["html"]
    assert "903/<script>alert(10)</script>.csv" in "".join(rendered["pdf_text"].split())


def test_emoji_in_chart_alt_text_renders(tmp_path: Path) -> None:
    # the build writes each chart's alt text (with the LA name) as JSON into "#| fig-alt:"
    shutil.copytree(REPO / "reports" / "assets", tmp_path / "assets")
    (tmp_path / "notebooks").mkdir()
    chart = cell("fig-trend", [svg_output()], fig_cap="Trend", fig_alt="Anyshire 🦊 Council")
    (tmp_path / "notebooks" / "nb.ipynb").write_text(json.dumps({"cells": [chart]}),
                                                     encoding="utf-8")
    (tmp_path / "doc.qmd").write_text("{{< embed notebooks/nb.ipynb#fig-trend >}}\n",
                                      encoding="utf-8")
    html = builtin.render_document(tmp_path, "doc", "html", tmp_path / "doc.html")
    assert 'alt="Anyshire 🦊 Council"' in html.read_text(encoding="utf-8")
    assert builtin.render_document(tmp_path, "doc", "pdf", tmp_path / "doc.pdf").stat().st_size


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("{{< include ../../../../secret.txt >}}", "include '../../../../secret.txt' is not"),
        ("{{< include ../outside.md >}}", "include '../outside.md' is not"),
        ("{{< include /appendix/manifest.md >}}", "include '/appendix/manifest.md' is not"),
        ('{{< include "/etc/hostname" >}}', "include '/etc/hostname' is not"),
        ("{{< embed ../notebooks/scorecard.ipynb#tbl-scorecard >}}", "embed '../notebooks"),
        ("{{< env HOME >}}", "env shortcode"),
    ],
)
def test_include_outside_narrative_is_refused_before_staging(
    tmp_path: Path, line: str, words: str
) -> None:
    (tmp_path / "secret.txt").write_text("the secret\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("outside\n", encoding="utf-8")
    narrative = tmp_path / "a" / "b" / "narrative"
    narrative.mkdir(parents=True)
    (narrative / "foreword.md").write_text(f"Hello.\n\n{line}\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        _stage(tmp_path, narrative)
    assert (err.value.code, Path(err.value.file).name, err.value.row) == ("E714", "foreword.md", 3)
    assert words in err.value.problem and "narrative" in err.value.fix
    assert not (tmp_path / "out").exists()


def test_narrative_link_to_outside_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("the secret\n", encoding="utf-8")
    narrative = tmp_path / "narrative"
    narrative.mkdir()
    (narrative / "foreword.md").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(UserError, match="link to a file outside") as err:
        _stage(tmp_path, narrative)
    assert err.value.code == "E714"


@pytest.mark.parametrize("url", ["/etc/passwd", "narrative/%2e%2e/%2e%2e/etc/passwd",
                                 "../secret.png", "data:image/svg+xml;base64,PHN2Zy8+"])
def test_narrative_image_outside_folder_is_refused(tmp_path: Path, url: str) -> None:
    narrative = tmp_path / "narrative"
    narrative.mkdir()
    (narrative / "foreword.md").write_text(f"Text.\n\n![x]({url})\n", encoding="utf-8")
    with pytest.raises(UserError, match="is not a file in the narrative folder") as err:
        _stage(tmp_path, narrative)
    assert (err.value.code, Path(err.value.file).name) == ("E714", "foreword.md")


def test_quarto_engine_never_sees_a_bad_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(quarto, "quarto_path", lambda: "/usr/bin/quarto")
    monkeypatch.setattr(quarto, "render_document", lambda *args: calls.append(args))
    out = tmp_path / "out"
    write_notebooks(REPO / "reports", out / "2025" / "notebooks")
    narrative = tmp_path / "narrative"
    narrative.mkdir()
    (narrative / "foreword.md").write_text("{{< include ../../etc/passwd >}}\n", encoding="utf-8")
    with pytest.raises(UserError, match="E714"):
        render_reports(2025, out, engine="quarto", narrative_dir=narrative, la_name="X")
    assert calls == []
    assert not (out / "2025" / "source").exists()


def test_builtin_subset_keeps_includes_inside(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("the secret\n", encoding="utf-8")
    project = tmp_path / "source"
    (project / "narrative").mkdir(parents=True)
    (project / "appendix").mkdir()
    (project / "appendix" / "manifest.md").write_text("Appendix.\n", encoding="utf-8")
    (project / "narrative" / "n.md").write_text("{{< include ../appendix/manifest.md >}}\n",
                                                encoding="utf-8")
    (project / "doc.qmd").write_text("{{< include ../secret.txt >}}\n", encoding="utf-8")
    with pytest.raises(UserError, match="outside the project folder") as err:
        expand_document(project / "doc.qmd", project, "html")
    assert err.value.code == "E714"
    (project / "doc.qmd").write_text("{{< include narrative/n.md >}}\n", encoding="utf-8")
    with pytest.raises(UserError, match="outside the narrative folder") as err:
        expand_document(project / "doc.qmd", project, "html")
    assert (err.value.code, Path(err.value.file).name) == ("E714", "n.md")


@pytest.mark.parametrize("value", [LA_NAME, "1. Anyshire", "- x *y* _z_ `c` [l](u) \\n",
                                   "a\n\nb <!-- c -->", "# Heading | pipe"])
def test_markdown_text_reads_back_as_the_same_text(value: str) -> None:
    import pypandoc

    plain = pypandoc.convert_text(markdown_text(value), "plain", format="markdown",
                                  extra_args=["--wrap=none"])
    assert plain.strip() == " ".join(value.split())


def test_safe_url() -> None:
    assert safe_url("https://www.gov.uk/") and safe_url("#tbl-x") and safe_url("mailto:a@b.c")
    for url in ("javascript:alert(1)", " JAVAscript:x", "java\tscript:x", "data:text/html,x",
                "vbscript:x"):
        assert not safe_url(url)


def test_emoji_sequences_are_named_once_each() -> None:
    assert builtin.describe_emoji("A 🦊 B 👨‍👩‍👧 ✓") == "A (fox face) B (man)(woman)(girl) ✓"


def test_spreadsheet_cells_from_names_and_data_are_never_formulas(tmp_path):
    """An LA name or a table value starting with = or @ is written as text (formula injection)."""
    import openpyxl

    from cpanalytics.pipeline.exports import write_spreadsheet

    (tmp_path / "tbl-a.csv").write_text("Measure,Value\n=1+1,5\n@SUM(A1),3\n")
    name = '=HYPERLINK("http://example.invalid","x")'
    write_spreadsheet([tmp_path / "tbl-a.csv"], tmp_path / "x.xlsx", year=2025, la_name=name,
                      captions={})
    cells = [c for ws in openpyxl.load_workbook(tmp_path / "x.xlsx") for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {str(c.value) for c in cells}
    assert f"{name}, year ending 31 March 2025" in texts and "=1+1" in texts
