"""The built-in engine: render a staged project with pandoc (from pypandoc-binary) and Typst.

It renders with the house style extension's own files (``_extensions/cpanalytics/``), as
Quarto does: HTML with ``template.html`` and ``report.css`` (one self-contained file), PDF
with ``pandoc-template.typ`` around the ``typst-template.typ``/``typst-show.typ`` partials,
compiled in process by the ``typst`` wheel with the bundled fonts only, and DOCX with
``reference.docx``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from cpanalytics.errors import UserError
from cpanalytics.render.subset import EXTENSION, Expanded, expand_document

#: Metadata passed through to pandoc's templates (and the DOCX document properties).
META_KEYS = ("title", "subtitle", "author", "lang", "toc-title", "subject")
#: Our output format -> the Quarto base format whose options and sources apply.
BASE_FORMAT = {"html": "html", "pdf": "typst", "docx": "docx"}
#: An emoji that no font the PDF template names can draw (the supplementary pictographs),
#: with any zero-width joiner or variation selector that follows it.
EMOJI = re.compile("([\U0001F000-\U0001FAFF])[\u200d\ufe0f]*")
#: Resolution of the PNG copies of SVG charts in the DOCX (Word before 2016 has no SVG).
DOCX_PPI = 200


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return date.today()


def _typst_string(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value or "")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _pandoc_args(meta: dict[str, Any], to: str, style: Path) -> list[str]:
    # Default --columns (72) as Quarto uses, so wide pipe tables get relative widths from
    # their dashes; --wrap=none keeps the output's own lines unwrapped.
    args = ["-f", "markdown-citations", "--standalone", "--metadata-file", "meta.yaml",
            "--wrap=none"]
    if meta.get("toc"):
        args += ["--toc", f"--toc-depth={int(meta.get('toc-depth', 2))}"]
    numbered = bool(meta.get("number-sections"))
    if to == "html":
        args += ["-t", "html5", "--embed-resources", "--template", str(style / "template.html")]
        args += ["--css", str(style / "report.css")]
        return args + (["--number-sections"] if numbered else [])
    if to == "docx":
        args += ["-t", "docx", "--reference-doc", str(style / "reference.docx")]
        return args + (["--number-sections"] if numbered else [])
    args += ["-t", "typst", "--template", str(style / "pandoc-template.typ")]
    # Template variables go into Typst code unescaped by pandoc: title and author are
    # metadata (escaped by pandoc's writer); these are config values escaped here.
    variables = {"papersize": _typst_string(meta.get("papersize", "a4")),
                 "fontsize": re.sub(r"[^\w.]", "", str(meta.get("fontsize", "10pt")))}
    if numbered:
        variables["section-numbering"] = _typst_string(meta.get("section-numbering", "1.1"))
    for key, value in variables.items():
        args += ["-V", f"{key}={value}"]
    return args


def display_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata pandoc gets: Quarto's shape, with authors also as ``by-author`` and the
    date shown as Quarto's ``date-format`` "D MMMM YYYY" gives it ("14 July 2025")."""
    shown = {k: meta[k] for k in META_KEYS if k in meta}
    authors = meta.get("author") or []
    shown["by-author"] = [{"name": {"literal": a}}
                          for a in (authors if isinstance(authors, list) else [authors])]
    if "date" in meta:
        day = _date(meta["date"])
        shown["date"] = f"{day.day} {day:%B %Y}"
        shown["date-meta"] = day.isoformat()
    return shown


def _docx_images(doc: Expanded, workdir: Path, style: Path) -> str:
    """Write a PNG copy of each SVG chart (drawn by Typst as in the PDF: chart text in fonts
    Typst lacks falls back to the house font) and point the markdown at it."""
    import typst

    shutil.copyfile(style / "typst-template.typ", workdir / "typst-template.typ")
    markdown = doc.markdown
    for name in (n for n in doc.images if n.endswith(".svg")):
        png = name.removesuffix(".svg") + ".png"
        page = workdir / f"{png}.typ"
        page.write_text('#import "typst-template.typ": cp-fonts\n#set text(font: cp-fonts)\n'
                        "#set page(width: auto, height: auto, margin: 0pt)\n"
                        f'#image("{name}")\n', encoding="utf-8")
        typst.compile(str(page), output=str(workdir / png), root=str(workdir), format="png",
                      ppi=DOCX_PPI, font_paths=[str(style / "fonts")], ignore_system_fonts=True)
        markdown = markdown.replace(f"]({name})", f"]({png})")
    return markdown


def _run_pandoc(doc: Expanded, to: str, workdir: Path, output: Path, source: Path) -> None:
    style = source / EXTENSION
    for name, content in doc.images.items():
        (workdir / name).write_bytes(content)
    markdown = _docx_images(doc, workdir, style) if to == "docx" else doc.markdown
    (workdir / "doc.md").write_text(markdown, encoding="utf-8")
    meta = display_meta(doc.metadata)
    (workdir / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    cmd = [_pandoc(), "doc.md", "-o", str(output),
           f"--resource-path={workdir}{os.pathsep}{source}", *_pandoc_args(doc.metadata, to, style)]
    # the DOCX's created/modified properties: the report's date, not the moment of rendering
    day = _date(doc.metadata.get("date"))
    epoch = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise UserError(
            f"pandoc failed ({to}): {done.stderr.strip()[-800:]}", file=source,
            fix="check the report sources against docs/rendering.md", code="E711",
        )


def add_image_alt(typst_source: str, alts: dict[str, str]) -> str:
    """Give each chart its ``fig-alt`` as Typst ``alt:`` (pandoc's Typst writer drops it)."""
    for name, alt in alts.items():
        typst_source = typst_source.replace(
            f'image("{name}"', f'image("{name}", alt: "{_typst_string(alt)}"'
        )
    return typst_source


def describe_emoji(typst_source: str) -> str:
    """Replace each emoji by its Unicode name in parentheses, e.g. "(fox face)": the PDF's
    fonts have no emoji, which would otherwise print as empty boxes."""
    return EMOJI.sub(lambda m: f"({unicodedata.name(m[1], 'emoji').lower()})", typst_source)


def _compile_typst(work: Path, source: Path, stem: str, output: Path) -> None:
    import typst

    try:  # the bundled fonts only, so the page count does not depend on the machine
        typst.compile(str(work / "doc.typ"), output=str(output), root=str(work),
                      font_paths=[str(source / EXTENSION / "fonts")], ignore_system_fonts=True)
    except Exception as exc:
        raise UserError(
            f"Typst could not compile {stem}: {exc}", file=source / f"{stem}.qmd",
            fix="check the report sources against docs/rendering.md", code="E711",
        ) from exc


def render_document(source: Path, stem: str, to: str, output: Path) -> Path:
    """Render ``source/<stem>.qmd`` to ``output`` (``to`` = "html", "pdf" or "docx")."""
    doc = expand_document(source / f"{stem}.qmd", source, BASE_FORMAT[to])
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpanalytics-render-") as tmp:
        work = Path(tmp)
        partial = work / f"out.{to}"
        if to != "pdf":
            _run_pandoc(doc, to, work, partial, source)
        else:
            _run_pandoc(doc, "typst", work, work / "doc.typ", source)
            if (source / "narrative").is_dir():  # images in the narrative (checked on staging)
                shutil.copytree(source / "narrative", work / "narrative")
            typ = work / "doc.typ"
            typ.write_text(describe_emoji(add_image_alt(typ.read_text(encoding="utf-8"), doc.alts)),
                           encoding="utf-8")
            _compile_typst(work, source, stem, partial)
        staging = output.with_name(output.name + ".part")
        shutil.copyfile(partial, staging)
        staging.replace(output)
    return output
