"""Injection from names, narrative and data (issue 13): escaped LA name and table values,
sanitised narrative and notebook outputs, CSV cells that are never formulas,
includes that cannot leave the narrative folder. Asserted on the rendered HTML and PDF."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from render_fakes import SVG, cell, markdown, svg_output, write_notebooks

from cpanalytics.errors import UserError
from cpanalytics.publish import tables
from cpanalytics.publish.markup import FORMULA_START, NUMBER, csv_text
from cpanalytics.render import builtin, quarto, render_reports
from cpanalytics.render.sanitise import markdown_text, safe_url, sanitise_outputs
from cpanalytics.render.stage import appendix_markdown, sources_root, stage_project
from cpanalytics.render.subset import expand_document

REPO = Path(__file__).resolve().parents[1]
SOURCES = sources_root()
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
            "warnings": [{"rule": "W1", "file": "903/2025/header.csv", "count": 1,
                          "message": "<script>alert(10)</script> in a field"}],
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
    write_notebooks(SOURCES / "reports", out / "2025" / "notebooks")
    staged = stage_project(2025, out, notebooks_dir=out / "2025" / "notebooks",
                           narrative_dir=_narrative(root / "narrative"), la_name=LA_NAME,
                           appendix=appendix_markdown(MANIFEST), today=date(2025, 7, 14))
    html = builtin.render_document(staged.path, "iro_annual", "html", root / "iro.html")
    pdf = pypdf.PdfReader(builtin.render_document(staged.path, "iro_annual", "pdf",
                                                  root / "iro.pdf"))
    return {"html": html.read_text(encoding="utf-8"), "pdf": pdf,
            "pdf_text": "\n".join(page.extract_text() for page in pdf.pages)}


@pytest.mark.slow
def test_la_name_is_text_in_html(rendered: dict) -> None:
    html = rendered["html"]
    assert not LIVE.search(html)
    shown = "Anyshire &lt;script&gt;alert(1)&lt;/script&gt; #set text(red) $5 🦊 Council"
    assert f'<p class="author">{shown}</p>' in html
    assert f'<p class="subtitle">{shown}, 2024/25' in html
    assert f"calculated from the {shown} SSDA903 returns" in html


@pytest.mark.slow
def test_la_name_prints_literally_in_pdf(rendered: dict) -> None:
    # Typst's # and $ print as typed; the emoji, which no PDF font has, is named instead
    literal = "Anyshire <script>alert(1)</script> #set text(red) $5 (fox face) Council"
    text = " ".join(rendered["pdf_text"].split())
    assert f"{literal}, 2024/25" in text
    assert f"calculated from the {literal} SSDA903" in text
    assert rendered["pdf"].metadata.author == literal
    assert rendered["pdf"].metadata.title == "Independent Reviewing Officer Service Annual Report"


@pytest.mark.slow
def test_emoji_kept_in_html(rendered: dict) -> None:
    assert "🦊 Council" in rendered["html"]


@pytest.mark.slow
def test_narrative_publishes_no_live_markup(rendered: dict) -> None:
    html = rendered["html"]
    assert not LIVE.search(html)
    for text in ("bad link", "shouting one", "raw one", "a span", "Hover text."):
        assert text in html
    assert '<a href="https://www.gov.uk/">good link</a>' in html
    assert "Included from a subfolder." in html
    assert '<img role="img" aria-label="A dot" src="data:image/svg+xml;base64,' in html


@pytest.mark.slow
def test_narrative_backslashes_and_raw_typst_print_as_typed(rendered: dict) -> None:
    assert "C:\\Users\\team on the shared drive" in rendered["html"]
    text = rendered["pdf_text"]
    assert "C:\\Users\\team on the shared drive" in text
    assert "#set page(fill: red)" in text
    assert not re.search(r"alert\((?!1\)|10\)|11\))", text)  # only the LA name, file, title


@pytest.mark.slow
def test_callout_title_is_plain_text(rendered: dict) -> None:
    assert "<p>Tip &lt;script&gt;alert(11)&lt;/script&gt; C:\\d?</p>" in rendered["html"]
    assert "Tip <script>alert(11)</script> C:\\d?\nInside the callout." in rendered["pdf_text"]


@pytest.mark.slow
def test_appendix_warnings_are_text(rendered: dict) -> None:
    # The appendix lists the data by name, not by file (issue 15); a validation warning's
    # message still comes from the data, and prints as text.
    assert "&lt;script&gt;alert(10)&lt;/script&gt; in a field" in rendered["html"]
    assert "<script>alert(10)</script>inafield" in "".join(rendered["pdf_text"].split())
    assert "903/" not in rendered["html"]


def test_emoji_in_chart_alt_text_renders(tmp_path: Path) -> None:
    # the build writes each chart's alt text (with the LA name) as JSON into "#| fig-alt:"
    shutil.copytree(SOURCES / "reports" / "_extensions", tmp_path / "_extensions")
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
        ("{{< include\n../outside.md >}}", "include '../outside.md' is not"),  # over two lines
        ("{{<\n  env HOME\n>}}", "env shortcode"),
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
    write_notebooks(SOURCES / "reports", out / "2025" / "notebooks")
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


# Values from the local data files (issue 13, D1): a NATIONALITY is published in
# tbl-ua03-nationality as a table cell of the HTML, PDF, CSV and spreadsheet.
HOSTILE = {"Sudan": "<img src=x onerror=alert(1)>",
           "Iraq": '=HYPERLINK("http://example.invalid","x")',
           "Syria": "-5 @SUM(A1)"}


class _Tags(HTMLParser):
    """Every start tag of an HTML page with its attributes."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _assert_no_live_markup(page: str) -> None:
    """No event handler, script, frame or javascript: URL; images only the embedded charts."""
    tags = _Tags(page).tags
    assert not [(t, a) for t, a in tags if any(k.startswith("on") for k in a)]
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed")]
    assert not [a for _, a in tags if "javascript:" in (a.get("href") or "").lower()]
    assert all((a.get("src") or "").startswith("data:image/") for t, a in tags if t == "img")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full build of the synthetic data with markup and formulas as nationalities."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(REPO / "data" / "synthetic", data)
    path = data / "local" / "child_attributes.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        row[1] = HOSTILE.get(row[1], row[1])
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    done = subprocess.run(
        [sys.executable, "-m", "cpanalytics", "build", "--data", str(data), "--year", "2025",
         "--out", str(root / "out"), "--engine", "builtin"],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root / "out" / "2025"


@pytest.mark.slow
def test_values_from_data_publish_as_text_in_html_and_pdf(hostile_build: Path) -> None:
    page = (hostile_build / "corporate-parenting-2025.html").read_text(encoding="utf-8")
    _assert_no_live_markup(page)
    # the loader title-cases nationalities; each shows as typed in its own table cell
    for shown in ("&lt;Img Src=X Onerror=Alert(1)&gt;", "-5 @Sum(A1)"):
        assert f'<td style="text-align: left;">{shown}</td>' in page
    assert "=Hyperlink(" in page
    pdf = pypdf.PdfReader(hostile_build / "corporate-parenting-2025.pdf")
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "<Img Src=X Onerror=Alert(1)>" in text and "5 @Sum(A1)" in text  # Typst: "−5"


@pytest.mark.slow
def test_csv_cells_from_data_are_never_formulas(hostile_build: Path) -> None:
    with (hostile_build / "tables" / "tbl-ua03-nationality.csv").open(encoding="utf-8") as f:
        cells = {row[0]: row[1:] for row in csv.reader(f)}
    assert "'=Hyperlink(\"Http://Example.Invalid\",\"X\")" in cells
    assert "'-5 @Sum(A1)" in cells
    assert "<Img Src=X Onerror=Alert(1)>" in cells  # starts with no formula character
    assert cells["Total"][0].isdigit()
    for table in (hostile_build / "tables").glob("*.csv"):  # every published CSV
        with table.open(encoding="utf-8") as f:
            risky = [c for row in csv.reader(f) for c in row
                     if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]
        assert not risky, (table.name, risky)


@pytest.mark.slow
def test_spreadsheet_shows_the_neutralised_cell_as_text(hostile_build: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(hostile_build / "tables" / "cpanalytics-2025.xlsx")
    cells = [c for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "Hyperlink" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-inf", "'-inf"), ("-5\n=1", "'-5\n=1"),
    ("-5", "-5"), ("-1,234", "-1,234"), ("+5", "+5"), ("-12.5%", "-12.5%"),
    ("-3 [p]", "-3 [p]"), ("-", "-"), ("[c]", "[c]"), ("[x]", "[x]"), ("[z]", "[z]"),
    ("12 [p]", "12 [p]"), ("Afghanistan", "Afghanistan"), ("", ""), (-5, -5), (None, None),
])
def test_csv_text_prefixes_formulas_only(value: object, written: object) -> None:
    assert csv_text(value) == written


def test_table_markdown_escapes_text_cells_and_headings() -> None:
    import pypandoc

    frame = pd.DataFrame({"Group <b>": ["<img src=x onerror=alert(1)>", "[l](javascript:x)",
                                        "a | b", "Total"],
                          "Number": ["-5", "[c]", "1,234", "12 [p]"]})
    text = tables.table_markdown(frame)
    assert "| Group \\<b\\> | Number |" in text
    assert "| \\<img src\\=x onerror\\=alert\\(1\\)\\> | -5 |" in text  # numbers as they are
    assert "| a \\| b | 1,234 |" in text and "| Total | 12 [p] |" in text
    page = pypandoc.convert_text(text, "html", format="markdown")
    _assert_no_live_markup(page)
    for shown in ("&lt;img src=x onerror=alert(1)&gt;", "[l](javascript:x)", "a | b"):
        assert f'<td style="text-align: left;">{shown}</td>' in page


HOSTILE_MARKDOWN = """\
| Nationality | Number |
|:--|--:|
| <img src=x onerror=alert(1)> | 21 |
| `<b onclick="alert(2)">x</b>`{=html} | 14 |

A [link](javascript:alert(3)), ![an image](/etc/passwd) and config/targets-<YYYY>.yaml.
"""


def _notebook(path: Path, *texts: str) -> None:
    outputs = [markdown(text) for text in texts]
    path.write_text(json.dumps({"cells": [cell("tbl-x", outputs, tbl_cap="X")]}), "utf-8")


def test_staged_notebook_outputs_hold_no_raw_markup(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_notebooks(SOURCES / "reports", out / "2025" / "notebooks")
    uasc = out / "2025" / "notebooks" / "uasc_trends.ipynb"
    nb = json.loads(uasc.read_text(encoding="utf-8"))
    for c in nb["cells"]:
        if "tbl-ua03-nationality" in c["source"]:
            c["outputs"] = [markdown(HOSTILE_MARKDOWN)]
    uasc.write_text(json.dumps(nb), encoding="utf-8")
    staged = stage_project(2025, out, notebooks_dir=out / "2025" / "notebooks",
                           narrative_dir=tmp_path / "none", la_name="X", appendix="",
                           today=date(2025, 7, 14))
    page = builtin.render_document(staged.path, "corporate_parenting", "html",
                                   tmp_path / "cp.html").read_text(encoding="utf-8")
    _assert_no_live_markup(page)
    for shown in ("&lt;img src=x onerror=alert(1)&gt;", "&lt;b onclick=", "A link, an image",
                  "config/targets-&lt;YYYY&gt;.yaml"):
        assert shown in page
    assert re.search(r"Table \d+: Caption of tbl-ua03-nationality", page)  # still a table


def test_sanitise_outputs_rewrites_only_outputs_with_markup(tmp_path: Path) -> None:
    import pypandoc

    plain = [tables.markdown(pd.DataFrame({"Group": ["Under 1"], "%": ["98.1"]})),
             "**Bold** text, 1,234 children (56.7%).\n\n- a list"]
    _notebook(tmp_path / "nb.ipynb", *plain)
    before = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    sanitise_outputs(tmp_path / "nb.ipynb")
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == before

    def texts_after(*texts: str) -> list[str]:
        _notebook(tmp_path / "nb.ipynb", *texts)
        sanitise_outputs(tmp_path / "nb.ipynb")
        return [o["data"]["text/markdown"] for o in json.loads(
            (tmp_path / "nb.ipynb").read_text(encoding="utf-8"))["cells"][0]["outputs"]]

    # YAML metadata (pandoc reads it anywhere in a document: header-includes) is dropped
    yaml_block = "---\nheader-includes: '<script>alert(2)</script>'\n---\n\nText."
    assert texts_after(*plain, yaml_block) == [*plain, "Text.\n"]
    # an output that leaves a code block open is read on its own: the next is still checked
    texts = texts_after(*plain, "```\nopen", "<script>alert(1)</script>")
    assert texts[:3] == [*plain, "```\nopen"]
    page = pypandoc.convert_text(texts[3], "html", format="markdown")
    assert page.strip() == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
