"""The Quarto engine: ``quarto render`` on the staged project, to HTML, Typst PDF and DOCX
in the house formats of the project's ``_extensions/cpanalytics`` extension."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from cpanalytics.errors import UserError

#: Our output format name -> Quarto ``--to`` format and the file extension it writes.
FORMATS = {"html": ("cpanalytics-html", ".html"), "pdf": ("cpanalytics-typst", ".pdf"),
           "docx": ("cpanalytics-docx", ".docx")}


def quarto_path() -> str | None:
    """The ``quarto`` executable on PATH, or None."""
    return shutil.which("quarto")


def require_quarto() -> str:
    """The ``quarto`` executable; a UserError when it is not on PATH."""
    quarto = quarto_path()
    if quarto is None:
        raise UserError(
            "the Quarto engine was requested but quarto is not on PATH",
            fix="install Quarto >= 1.5 (https://quarto.org) or use --engine builtin",
            code="E712",
        )
    return quarto


def render_document(source: Path, stem: str, to: str, output: Path) -> Path:
    """Run ``quarto render source/<stem>.qmd --to cpanalytics-html|typst|docx`` and move the
    result to ``output``."""
    quarto = require_quarto()
    fmt, ext = FORMATS[to]
    done = subprocess.run(
        [quarto, "render", f"{stem}.qmd", "--to", fmt],
        cwd=source, capture_output=True, text=True, check=False,
    )
    produced = source / f"{stem}{ext}"
    if done.returncode != 0 or not produced.is_file():
        raise UserError(
            f"quarto render {stem}.qmd --to {fmt} failed: {done.stderr.strip()[-800:]}",
            file=source / f"{stem}.qmd",
            fix=f"run 'quarto render {source}' to see the full message", code="E713",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(produced, output)
    return output
