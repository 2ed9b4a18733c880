"""The built-in engine: render a staged project with pandoc (from pypandoc-binary) and Typst.

HTML: one self-contained file (images as data URIs, CSS inline). PDF: pandoc's Typst
writer with ``assets/typst/template.typ``, compiled in process by the ``typst`` wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from cpanalytics.errors import UserError
from cpanalytics.render.subset import Expanded, expand_document

#: Metadata passed through to pandoc's templates.
META_KEYS = ("title", "subtitle", "author", "lang")
#: An emoji that no font the PDF template names can draw (the supplementary pictographs),
#: with any zero-width joiner or variation selector that follows it.
EMOJI = re.compile("([\U0001F000-\U0001FAFF])[\u200d\ufe0f]*")


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


def _pandoc_args(meta: dict[str, Any], to: str, assets: Path) -> list[str]:
    # Default --columns (72) as Quarto uses, so wide pipe tables get relative widths from
    # their dashes; --wrap=none keeps the output's own lines unwrapped.
    args = ["-f", "markdown-citations", "--standalone", "--metadata-file", "meta.yaml",
            "--wrap=none"]
    if meta.get("toc"):
        args += ["--toc", f"--toc-depth={int(meta.get('toc-depth', 2))}"]
    numbered = bool(meta.get("number-sections"))
    if to == "html":
        args += ["-t", "html5", "--embed-resources", "--template", str(assets / "html" / "template.html")]
        args += ["--css", str(assets / "report.css")]
        args += ["--number-sections"] if numbered else []
        return args
    day = _date(meta.get("date"))
    lang = str(meta.get("lang", "en-GB"))
    args += ["-t", "typst", "--template", str(assets / "typst" / "template.typ")]
    # Template variables go into Typst strings unescaped by pandoc: title and author are
    # metadata (escaped by pandoc's writer); these are config values escaped here.
    variables = {
        "date-year": day.year, "date-month": day.month, "date-day": day.day,
        "lang-code": _typst_string(lang.split("-")[0].lower()),
        "region-code": _typst_string([*lang.split("-"), "gb"][1].lower()),
        "papersize": _typst_string(meta.get("papersize", "a4")),
    }
    if numbered:
        variables["section-numbering"] = _typst_string(meta.get("section-numbering", "1.1"))
    for key, value in variables.items():
        args += ["-V", f"{key}={value}"]
    return args


def _display_meta(meta: dict[str, Any]) -> dict[str, Any]:
    shown = {k: meta[k] for k in META_KEYS if k in meta}
    if "date" in meta:
        day = _date(meta["date"])
        shown["date"] = f"{day.day} {day:%B %Y}"
        shown["date-meta"] = day.isoformat()
    return shown


def _run_pandoc(doc: Expanded, to: str, workdir: Path, output: Path, source: Path) -> None:
    (workdir / "doc.md").write_text(doc.markdown, encoding="utf-8")
    (workdir / "meta.yaml").write_text(
        yaml.safe_dump(_display_meta(doc.metadata), allow_unicode=True), encoding="utf-8"
    )
    for name, content in doc.images.items():
        (workdir / name).write_bytes(content)
    cmd = [_pandoc(), "doc.md", "-o", str(output),
           f"--resource-path={workdir}{os.pathsep}{source}", *_pandoc_args(doc.metadata, to, source / "assets")]
    done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UserError(
            f"pandoc failed ({to}): {done.stderr.strip()[-800:]}", file=source,
            fix="check the report sources against docs/rendering.md", code="E711",
        )


def left_align_tables(typst_source: str) -> str:
    """Pandoc centres every table (``align(center)[#table(``); reports align them left."""
    return typst_source.replace("align(center)[#table(", "align(left)[#table(")


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


def render_document(source: Path, stem: str, to: str, output: Path) -> Path:
    """Render ``source/<stem>.qmd`` to ``output`` (``to`` = "html" or "pdf")."""
    doc = expand_document(source / f"{stem}.qmd", source, "html" if to == "html" else "typst")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpanalytics-render-") as tmp:
        work = Path(tmp)
        if to == "html":
            partial = work / "out.html"
            _run_pandoc(doc, "html", work, partial, source)
        else:
            import typst

            _run_pandoc(doc, "typst", work, work / "doc.typ", source)
            if (source / "narrative").is_dir():  # images in the narrative (checked on staging)
                shutil.copytree(source / "narrative", work / "narrative")
            typ = work / "doc.typ"
            text = describe_emoji(
                add_image_alt(left_align_tables(typ.read_text(encoding="utf-8")), doc.alts))
            typ.write_text(text, encoding="utf-8")
            partial = work / "out.pdf"
            try:
                typst.compile(str(work / "doc.typ"), output=str(partial), root=str(work))
            except Exception as exc:
                raise UserError(
                    f"Typst could not compile {stem}: {exc}", file=source / f"{stem}.qmd",
                    fix="check the report sources against docs/rendering.md", code="E711",
                ) from exc
        staging = output.with_name(output.name + ".part")
        shutil.copyfile(partial, staging)
        staging.replace(output)
    return output
