"""The built-in engine's Quarto subset: what it expands and what it rejects (file and line)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from render_fakes import cell, fake_cell, markdown, svg_output

from cpanalytics.errors import UserError
from cpanalytics.publish import tables
from cpanalytics.render.builtin import add_image_alt, render_document
from cpanalytics.render.stage import appendix_markdown, period, sources_root
from cpanalytics.render.subset import EXTENSION, cell_options, expand_document


def project(tmp_path: Path, qmd: str, cells: list[dict] | None = None) -> Path:
    """A tiny staged project: _quarto.yml, _variables.yml, doc.qmd, notebooks/nb.ipynb."""
    (tmp_path / "_quarto.yml").write_text(
        "author: Test Council\nlang: en-GB\nformat:\n  typst:\n    papersize: a4\n",
        encoding="utf-8",
    )
    (tmp_path / "_variables.yml").write_text("la: Test Council\nyear: 2025\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    nb = {"cells": cells if cells is not None else [
        fake_cell("fig-trend"), fake_cell("tbl-counts"), fake_cell("txt-headline")]}
    (tmp_path / "notebooks" / "nb.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (tmp_path / "doc.qmd").write_text(qmd, encoding="utf-8")
    return tmp_path / "doc.qmd"


def test_embeds_numbers_and_resolves(tmp_path: Path) -> None:
    qmd = project(tmp_path, (
        "---\ntitle: T\n---\n\n# Data for {{< var la >}} by {{< meta author >}}\n\n"
        "@fig-trend and @tbl-counts.\n\n"
        "{{< embed notebooks/nb.ipynb#txt-headline >}}\n\n"
        "{{< embed notebooks/nb.ipynb#tbl-counts >}}\n\n"
        "{{< embed notebooks/nb.ipynb#fig-trend >}}\n"
    ))
    doc = expand_document(qmd, tmp_path, "html")
    assert "# Data for Test Council by Test Council" in doc.markdown
    # the table is embedded before the figure, but each kind is numbered on its own: 1 and 1
    assert doc.labels == {"tbl-counts": "Table 1", "fig-trend": "Figure 1"}
    assert "[Figure 1](#fig-trend) and [Table 1](#tbl-counts)." in doc.markdown
    assert ": Table 1: Caption of tbl-counts {#tbl-counts}" in doc.markdown
    assert '![Figure 1: Caption of fig-trend](fig-trend.svg){#fig-trend alt="Bar chart' in doc.markdown
    assert "Headline text for txt-headline: 1,234 children (56.7%)." in doc.markdown
    assert doc.images["fig-trend.svg"].startswith(b"<svg")
    # metadata: project, then the typst format options, then front matter
    assert doc.metadata["author"] == "Test Council" and doc.metadata["title"] == "T"
    assert "papersize" not in doc.metadata
    assert expand_document(qmd, tmp_path, "typst").metadata["papersize"] == "a4"


def test_a_table_and_its_note_stay_one_block(tmp_path: Path) -> None:
    # tables.table_markdown(label=...) puts a table and its symbols note in one block,
    # note-<label>, which the PDF keeps on one page; the engine passes its fences through
    # (any other fenced div is refused: E708) and captions the table inside it.
    frame = pd.DataFrame({"Group": ["A", "B"], "Number": ["[c]", "12"]})
    text = tables.table_markdown(frame, label="tbl-counts")
    qmd = project(tmp_path, "{{< embed notebooks/nb.ipynb#tbl-counts >}}\n",
                  [cell("tbl-counts", [markdown(text)], tbl_cap="Counts")])
    lines = expand_document(qmd, tmp_path, "typst").markdown.splitlines()
    opened = lines.index("::: {#note-tbl-counts}")
    caption = lines.index(": Table 1: Counts {#tbl-counts}")
    note = next(i for i, line in enumerate(lines) if line.startswith("[c] confidential"))
    assert opened < caption < note < lines.index(":::", note)


def test_metadata_merges_the_house_extension_like_quarto(tmp_path: Path) -> None:
    # extension format options < project metadata < project format options < front matter
    qmd = project(tmp_path, "---\ntitle: T\nformat:\n  cpanalytics-typst:\n    fontsize: 12pt\n---\n")
    (tmp_path / "_quarto.yml").write_text(
        "toc: true\nfontsize: 9pt\nformat:\n  cpanalytics-docx:\n    toc: false\n"
        "  cpanalytics-typst: default\n", encoding="utf-8")
    (tmp_path / EXTENSION).mkdir(parents=True)
    (tmp_path / EXTENSION / "_extension.yml").write_text(
        "contributes:\n  formats:\n    typst:\n      fontsize: 10pt\n      papersize: a4\n"
        "    docx:\n      reference-doc: reference.docx\n", encoding="utf-8")
    typst = expand_document(qmd, tmp_path, "typst").metadata
    assert (typst["papersize"], typst["fontsize"], typst["toc"]) == ("a4", "12pt", True)
    docx = expand_document(qmd, tmp_path, "docx").metadata
    assert (docx["reference-doc"], docx["fontsize"], docx["toc"]) == ("reference.docx", "9pt", False)


def test_callouts_in_both_formats(tmp_path: Path) -> None:
    qmd = project(tmp_path, '::: {.callout-tip title="Did you know?"}\nSome text.\n:::\n')
    html = expand_document(qmd, tmp_path, "html").markdown
    assert "::: {.callout .callout-tip}\n::: callout-title\nDid you know?\n:::" in html
    typ = expand_document(qmd, tmp_path, "typst").markdown
    # Quarto's call of the house template's callout: same function, same arguments
    assert '#callout(title: "Did you know?", icon_color: rgb("#00A047"), icon: none, body: [' in typ
    assert typ.rstrip().endswith("])\n```")
    docx = expand_document(qmd, tmp_path, "docx").markdown
    assert '::: {custom-style="Callout"}\n**Did you know?**\n\nSome text.' in docx


def test_figure_without_image_keeps_its_number_and_note(tmp_path: Path) -> None:
    note = cell("fig-trend", [markdown("Not available: needs local/iro_staff.csv")],
                fig_cap="Trend", fig_alt="Trend chart")
    qmd = project(tmp_path, "See @fig-trend.\n\n{{< embed notebooks/nb.ipynb#fig-trend >}}\n",
                  [note])
    text = expand_document(qmd, tmp_path, "html").markdown
    assert "See [Figure 1](#fig-trend)." in text
    assert "::: {#fig-trend}\n**Figure 1: Trend**" in text
    assert "Not available: needs local/iro_staff.csv" in text


@pytest.mark.parametrize(
    ("body", "line", "code", "words"),
    [
        ("# A\n\n{{< pagebreak >}}\n", 3, "E702", "unsupported shortcode 'pagebreak'"),
        ("Text {{< var nope >}}\n", 1, "E703", "var 'nope' is not defined"),
        ("# A\n\n{{< include narrative/missing.md >}}\n", 3, "E701", "included file not found"),
        ("{{< embed notebooks/nb.ipynb#fig-nope >}}\n", 1, "E705", "no cell labelled 'fig-nope'"),
        ("{{< embed notebooks/other.ipynb#fig-trend >}}\n", 1, "E704", "notebook not found"),
        ("{{< embed notebooks/nb.ipynb#tbl-counts >}}\n\n{{< embed notebooks/nb.ipynb#tbl-counts >}}\n",
         3, "E705", "'tbl-counts' is embedded twice"),
        ("\n::: {.callout-danger}\nx\n:::\n", 2, "E708", "unsupported callout"),
        ("::: {.columns}\nx\n:::\n", 1, "E708", "unsupported fenced div"),
        ("See @fig-missing.\n", 1, "E709", "@fig-missing has no embedded figure"),
        ("See @sec-intro.\n", 1, "E709", "unsupported cross-reference @sec-intro"),
        ("Inline {{< embed notebooks/nb.ipynb#fig-trend >}} here\n", 1, "E702", "own"),
    ],
)
def test_unsupported_syntax_fails_with_file_and_line(
    tmp_path: Path, body: str, line: int, code: str, words: str
) -> None:
    qmd = project(tmp_path, "---\ntitle: T\n---\n" + body)
    with pytest.raises(UserError) as err:
        expand_document(qmd, tmp_path, "html")
    # front matter is 3 lines, so body line n is file line n + 3
    assert (err.value.code, err.value.row, Path(err.value.file).name) == (code, line + 3, "doc.qmd")
    assert words in err.value.problem


def test_unsupported_cell_option_names_the_option(tmp_path: Path) -> None:
    bad = cell("fig-trend", [svg_output()], fig_cap="T", fig_alt="A", fig_width="4")
    qmd = project(tmp_path, "{{< embed notebooks/nb.ipynb#fig-trend >}}\n", [bad])
    with pytest.raises(UserError, match=r"unsupported cell option.*fig-width") as err:
        expand_document(qmd, tmp_path, "html")
    assert err.value.code == "E706"


def test_figure_needs_alt_text(tmp_path: Path) -> None:
    bad = cell("fig-trend", [svg_output()], fig_cap="Trend")
    qmd = project(tmp_path, "{{< embed notebooks/nb.ipynb#fig-trend >}}\n", [bad])
    with pytest.raises(UserError, match="has no fig-alt"):
        expand_document(qmd, tmp_path, "html")


def test_error_in_included_file_names_that_file(tmp_path: Path) -> None:
    qmd = project(tmp_path, "# A\n\n{{< include narrative/x.md >}}\n")
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "x.md").write_text("Fine.\n\nBad {{< lipsum >}}\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        expand_document(qmd, tmp_path, "html")
    assert (Path(err.value.file).name, err.value.row) == ("x.md", 3)


def test_cell_options_parse_yaml() -> None:
    c = cell("tbl-x", [], tbl_cap="Counts: by age")
    assert cell_options(c) == {"label": "tbl-x", "echo": False, "tbl-cap": "Counts: by age"}


def test_period_for_collection_year() -> None:
    assert period(2025)["period"] == "1 April 2024 to 31 March 2025"
    assert period(2000)["year_label"] == "1999/00"


def test_appendix_without_manifest_says_so() -> None:
    assert "Build manifest not available" in appendix_markdown(None)


def test_add_image_alt_escapes_quotes() -> None:
    typ = '#figure(image("fig-a.svg", width: 100.0%))'
    assert add_image_alt(typ, {"fig-a.svg": 'Rates "fell"'}) == (
        '#figure(image("fig-a.svg", alt: "Rates \\"fell\\"", width: 100.0%))'
    )


def test_bad_front_matter(tmp_path: Path) -> None:
    qmd = project(tmp_path, "---\ntitle: [unclosed\n---\n# A\n")
    with pytest.raises(UserError, match="invalid YAML front matter") as err:
        expand_document(qmd, tmp_path, "html")
    assert (err.value.code, err.value.row) == ("E707", 1)


def test_typst_failure_is_a_user_error(tmp_path: Path) -> None:
    qmd = project(tmp_path, "---\ntitle: T\n---\n# A\n\n```{=typst}\n#no-such-function()\n```\n")
    shutil.copytree(sources_root() / "reports" / EXTENSION, tmp_path / EXTENSION)
    with pytest.raises(UserError, match="Typst could not compile doc") as err:
        render_document(qmd.parent, "doc", "pdf", tmp_path / "doc.pdf")
    assert err.value.code == "E711"
    assert not (tmp_path / "doc.pdf").exists()
