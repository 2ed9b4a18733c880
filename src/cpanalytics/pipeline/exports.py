"""Published tables: the CSVs the notebooks wrote, one accessible spreadsheet, and each
table again as tidy numeric data.

The spreadsheet follows the Analysis Function guidance "Releasing statistics in
spreadsheets" through ``gptables``: a cover sheet, a contents sheet, a notes sheet, one
table per sheet, no merged cells. Titles come from each table cell's ``tbl-cap``.

The tidy tables (``tables/tidy/<table>.csv``, the same guidance's machine-readable form)
hold one row per figure: the row's labels, the ``measure`` (its column), ``period`` when
the column or the cell names one, ``value`` as a plain number, ``unit`` and ``status``
([c], [x], [z], [p]). They are read from the published CSVs after the disclosure audit
has hidden its cells, so a suppressed figure is blank in ``value`` there too.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalytics.publish.disclosure import CONFIDENTIAL, NOT_APPLICABLE

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


#: The folder under ``tables/`` holding the tidy tables, and the columns each adds.
TIDY_DIR = "tidy"
TIDY_COLUMNS = ("figure", "period", "value", "unit", "status")
#: A published figure: optional ``2024/25: `` comparator period, a number (``1,363``,
#: ``-12.5%``, ``347.0 days``: the units of :data:`UNITS`) or nothing, then status markers
#: (``[c] [p]``).
UNITS = ("%", "days", "reviews", "score", "per 10,000", "children per FTE")
_FIGURE = re.compile(
    r"^(?:(?P<period>\d{4}/\d{2}): )?(?P<number>[+-]?\d[\d,]*(?:\.\d+)?)?"
    r"(?:(?P<percent>%)| (?P<unit>" + "|".join(map(re.escape, UNITS[1:])) + r"))?"
    r"\s*(?P<status>(?:\[[cxzp]\]\s*)*)$")
#: A period in a column heading: ``2024-25``, ``2024-25 %``, ``England 2024/25``.
_PERIOD = re.compile(r"\b\d{4}[-/]\d{2}\b")


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A published table (display strings) as tidy data: one row per figure cell.

    Label columns (any whose cells are not all figures, e.g. ``Reason``, ``RAG``) stay as
    they are (renamed ``<name> (row)`` if one is called like a tidy column); every figure
    column becomes rows of ``figure`` (its heading, less any period), ``period`` (of the
    heading or the cell), ``value`` (a number, blank when suppressed or not applicable),
    ``unit`` (``%``, ``days``, ... when shown with one) and ``status`` (the markers shown,
    ``[z]`` for a blank cell).
    """
    text = frame.astype("str").replace({"nan": "", "-": ""})
    parsed = {c: text[c].str.strip().str.extract(_FIGURE) for c in text.columns}
    figures = [c for c in text.columns if parsed[c].notna().any(axis=1).all()]
    labels = text[[c for c in text.columns if c not in figures]]
    labels = labels.rename(columns={c: f"{c} (row)" for c in labels.columns
                                    if str(c).lower() in TIDY_COLUMNS})
    parts = []
    for column in figures:
        cell = parsed[column]
        named = _PERIOD.search(str(column))
        status = cell["status"].fillna("").str.split().str.join(" ")
        parts.append(labels.assign(
            figure=_PERIOD.sub("", str(column)).strip() or "Number",
            period=cell["period"].fillna(named.group(0) if named else ""),
            value=pd.to_numeric(cell["number"].str.replace(",", "", regex=False)),
            unit=cell["percent"].fillna(cell["unit"]).fillna(""),
            status=status.where(cell["number"].notna() | status.ne(""), NOT_APPLICABLE)))
    if not parts:
        return labels.assign(**dict.fromkeys(TIDY_COLUMNS, ""))
    out = pd.concat(parts, ignore_index=True)
    hidden = out["status"].str.contains(CONFIDENTIAL, regex=False).to_numpy(dtype=bool)
    out.loc[hidden, "value"] = np.nan  # never a number behind a [c]
    return out


def write_tidy(tables: list[Path], folder: Path) -> list[Path]:
    """Write :func:`tidy` of each published CSV to ``folder/<name>.csv``; returns the paths.

    Stale tidy tables (of a table no longer published) are removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        frame = pd.read_csv(table, dtype="str", keep_default_na=False)
        path = folder / table.name
        tidy(frame).to_csv(path, index=False)
        written.append(path)
    for stale in set(folder.glob("*.csv")) - set(written):
        stale.unlink()
    return written
