"""Published tables: the CSVs the notebooks wrote, in one accessible spreadsheet.

The spreadsheet follows the Analysis Function guidance "Releasing statistics in
spreadsheets" through ``gptables``: a cover sheet, a contents sheet, a notes sheet, one
table per sheet, no merged cells. Titles come from each table cell's ``tbl-cap``. Each
table's tidy numbers (``tables/tidy/``, the same guidance's machine-readable form) are
written beside it when it is published (``cpanalytics.publish.tidy``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

SYMBOL_NOTES = pd.DataFrame({
    "Note reference": ["symbols", "source"],
    "Note text": [
        "[c] confidential: a count of 1 to 4, or a figure from which one could be worked out, "
        "is suppressed. [x] not available. [z] not applicable.",
        "Source: the local authority's SSDA903 returns to the Department for Education, and "
        "local extracts where a table says so.",
    ],
})


def table_captions(notebooks: list[Path]) -> dict[str, str]:
    """``label -> tbl-cap`` for every labelled cell in the (executed) notebooks."""
    import nbformat

    captions: dict[str, str] = {}
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            options = dict(re.findall(r"^#\|\s*([\w-]+):\s*(.*)$", cell.source, flags=re.MULTILINE))
            if "label" in options:
                captions[options["label"].strip()] = options.get("tbl-cap", "").strip().strip("\"'")
    return captions


def _numeric_where_possible(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as numbers (so Excel right-aligns them); symbols such as ``[c]`` stay text.

    Blank cells become ``[z]`` (not applicable): the guidance says never to leave one blank.
    """
    frame = frame.replace(r"^\s*$", "[z]", regex=True)
    out = frame.astype(object)
    for column in out.columns:
        text = frame[column].astype("str").str.replace(",", "", regex=False)
        numbers = pd.to_numeric(text, errors="coerce")
        out[column] = numbers.astype(object).where(numbers.notna(), frame[column].astype(object))
    return out


def _sheet_names(labels: list[str]) -> dict[str, str]:
    """Unique Excel sheet names (31 characters at most) from table labels."""
    names: dict[str, str] = {}
    for i, label in enumerate(labels, start=1):
        name = re.sub(r"[^A-Za-z0-9_]", "_", label.removeprefix("tbl-"))[:27] or "table"
        names[label] = name if name not in names.values() else f"{name[:24]}_{i}"
    return names


def write_spreadsheet(
    tables: list[Path], path: Path, *, year: int, la_name: str, captions: dict[str, str],
) -> Path:
    """Write every published CSV into one GSS-style workbook at ``path``."""
    import gptables as gpt

    labels = [t.stem for t in tables]
    names = _sheet_names(labels)
    sheets = {}
    for table, label in zip(tables, labels, strict=True):
        frame = pd.read_csv(table, dtype="str", keep_default_na=False)
        sheets[names[label]] = gpt.GPTable(
            table=_numeric_where_possible(frame),
            table_name=names[label],
            title=(captions.get(label) or label) + " $$symbols$$",
            scope=f"{la_name}, year ending 31 March {year}",
            source="Source: SSDA903 and local extracts $$source$$",
            instructions="This worksheet contains one table. Some cells contain symbols: [c] "
            "confidential, [x] not available, [z] not applicable (see the notes sheet).",
        )
    cover = gpt.Cover(
        title=f"Children looked after and care leavers: {la_name}, year ending 31 March {year}",
        intro=[
            "Published tables from the Corporate Parenting Report and the IRO Service Report.",
            "Each table is on its own sheet. The contents sheet lists them.",
        ],
        about=[
            [{"bold": True}, "Suppression"],
            "Small numbers are suppressed to protect children's privacy: see the notes sheet.",
            [{"bold": True}, "Source"],
            "SSDA903 returns and local extracts, produced with cpanalytics.",
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    gpt.write_workbook(
        filename=str(path), sheets=sheets, cover=cover, notes_table=SYMBOL_NOTES,
        contentsheet_label="Contents",
        # Text from names, config or data stays text: never a formula or a live link.
        workbook_options={"strings_to_formulas": False, "strings_to_urls": False},
    )
    return path

