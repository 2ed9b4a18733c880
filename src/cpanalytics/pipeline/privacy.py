"""Privacy audit: no child-level identifier from the inputs may appear in any build output.

Rules (reasoning in ``docs/data-protection.md``):

- CHILD ids and UPNs: whole-token match (letters and digits; any other character is a
  boundary), case-insensitive; an all-digit id inside a decimal number ("345020.0") does
  not count. CHILD ids shorter than ``MIN_ID_LENGTH`` characters are not
  searched: they collide with ordinary counts and measure names ("A10", "12"); the audit
  reports how many were skipped.
- Full postcodes (outward and inward code), with or without the space.
- Dates of birth: only in tabular rows (CSV and spreadsheet rows, HTML ``<tr>``, Markdown
  ``|`` rows), and never a first or last day of a month (every period boundary, such as
  31 March, is one). A DOB alone in prose is not identifying, and period ends coincide
  with some children's DOBs.
- Identifier column names (CHILD, UPN, DOB, ...) in a CSV header, or two or more of them
  in one table row, are a leak (one alone in a row is ordinary: ``CHILD`` is a code).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from cpanalytics.data.model import IDENTIFIER_COLUMNS, CareData

#: Shortest CHILD id the audit searches for (shorter ones look like counts or labels).
MIN_ID_LENGTH = 6

TOKEN = re.compile(r"[A-Z0-9]+")
POSTCODE = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})(?![A-Z0-9])")
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
BASE64 = re.compile(r"base64,[A-Za-z0-9+/=\s]{40,}|\"image/(?:png|jpeg|gif)\": \"[^\"]*\"")
CELL_SEPARATOR = re.compile(r"[,\t|<>]")
MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"), (2, 1, 0)),
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), (0, 1, 2)),
    (re.compile(r"(?<!\d)(\d{1,2})(?:ST|ND|RD|TH)? ([A-Z]{3,9})\.? (\d{4})(?!\d)"), (2, 1, 0)),
)
TEXT_SUFFIXES = {".csv", ".md", ".qmd", ".txt", ".json", ".html", ".htm", ".svg", ".typ", ".xml", ".log", ".tex"}


@dataclass(frozen=True)
class Identifiers:
    """The child-level values to look for, normalised to upper case without spaces."""

    tokens: frozenset[str]
    phrases: frozenset[str]
    postcodes: frozenset[str]
    dobs: frozenset[date]
    skipped_short_ids: int = 0

    @classmethod
    def from_data(cls, data: CareData) -> Identifiers:
        """Collect CHILD, UPN, DOB/MC_DOB and HOME_POST/PL_POST values from every table."""
        frames = [*data.tables.values(), *data.local.values()]

        def values(column: str) -> pd.Series:
            parts = [f[column] for f in frames if column in f.columns]
            if not parts:
                return pd.Series([], dtype="str")
            s = pd.concat(parts, ignore_index=True).dropna().astype("str").str.strip().str.upper()
            return s[s != ""].drop_duplicates()

        child = values("CHILD")
        upn = values("UPN")
        upn = upn[upn.str.fullmatch(UPN.pattern)]
        ids = pd.concat([child[child.str.len() >= MIN_ID_LENGTH], upn], ignore_index=True)
        plain = ids.str.fullmatch(r"[A-Z0-9]+")
        posts = pd.concat([values("HOME_POST"), values("PL_POST")]).str.replace(r"\s+", "", regex=True)
        dob_parts = [f[c] for f in frames for c in ("DOB", "MC_DOB") if c in f.columns]
        dobs = pd.to_datetime(pd.concat(dob_parts), errors="coerce").dropna() if dob_parts else []
        return cls(
            tokens=frozenset(ids[plain]),
            phrases=frozenset(ids[~plain]),
            postcodes=frozenset(posts[posts.str.fullmatch(FULL_POSTCODE.pattern)]),
            dobs=frozenset(pd.Series(dobs).dt.date) if len(dobs) else frozenset(),
            skipped_short_ids=int((child.str.len() < MIN_ID_LENGTH).sum()),
        )


@dataclass(frozen=True)
class Leak:
    """One identifier found in an output: file, where in it, what kind (value masked)."""

    file: str
    where: str
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.file} ({self.where}): {self.kind} {self.masked}"


def _mask(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 2, 1)


def _dates(text: str) -> Iterator[date]:
    """Every date written as dd/mm/YYYY, YYYY-MM-DD or "1 March 2010" in ``text`` (upper case)."""
    for pattern, (y, m, d) in DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groups()
            month = MONTHS.get(parts[m]) if not parts[m].isdigit() else int(parts[m])
            try:
                yield date(int(parts[y]), month or 0, int(parts[d]))
            except ValueError:
                continue


def _is_period_boundary(day: date) -> bool:
    return day.day == 1 or day.day == calendar.monthrange(day.year, day.month)[1]


def _outside_a_number(digits: str, text: str) -> bool:
    """True when ``digits`` occurs other than as part of a decimal ("345020.5", "0.345020").

    Thousands separators never leave a run of more than three digits, so commas (also
    the CSV delimiter) are boundaries as usual.
    """
    return re.search(rf"(?<![0-9A-Z])(?<![0-9]\.){digits}(?!\.[0-9])(?![0-9A-Z])", text) is not None


def scan_text(
    text: str, ids: Identifiers, *, tabular: bool, header: bool = False,
) -> list[tuple[str, str]]:
    """``(kind, masked value)`` for each identifier in one line, cell row or table row.

    Identifier column names count in a CSV header (``header``), or in any table row that
    holds two or more of them: one alone is ordinary (``CHILD`` is a reason-for-change code).
    """
    upper = text.upper()
    found = [
        ("CHILD/UPN", _mask(t)) for t in set(TOKEN.findall(upper)) & ids.tokens
        if not t.isdigit() or _outside_a_number(t, upper)
    ]
    found += [("CHILD", _mask(p)) for p in ids.phrases if p in upper]
    found += [
        ("postcode", _mask(a + b)) for a, b in POSTCODE.findall(upper) if a + b in ids.postcodes
    ]
    if tabular:
        columns = {c.strip().strip('"') for c in CELL_SEPARATOR.split(upper)} & IDENTIFIER_COLUMNS
        if header or len(columns) >= 2:
            found += [("identifier column", c) for c in sorted(columns)]
    if tabular and ids.dobs:
        found += [
            ("DOB", d.strftime("**/**/%Y")) for d in set(_dates(upper))
            if d in ids.dobs and not _is_period_boundary(d)
        ]
    return found


def _text_units(path: Path) -> Iterator[tuple[str, str, bool, bool]]:
    """``(where, text, tabular, header)`` pieces of one output file."""
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            texts = ["".join(cell.get("source", ""))]
            for output in cell.get("outputs", []):
                texts.append("".join(output.get("text", "")))
                texts.append(" ".join(output.get("traceback", [])))
                texts += [
                    v if isinstance(v, str) else "".join(v) if isinstance(v, list) else json.dumps(v)
                    for k, v in output.get("data", {}).items() if not k.startswith("image/png")
                    and not k.startswith("image/jpeg")
                ]
            yield from _lines(f"cell {i}", "\n".join(texts))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = ["" if v is None else str(v) for v in row]
                yield f"sheet {ws.title} row {r}", "\t".join(cells), True, False
        wb.close()
    elif suffix == ".docx":
        yield from _docx_units(path)
    elif suffix == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        try:
            for p, page in enumerate(pdf, start=1):
                yield f"page {p}", page.get_textpage().get_text_range(), False, False
        finally:
            pdf.close()
    elif suffix in TEXT_SUFFIXES:
        text = path.read_text(encoding="utf-8", errors="replace")
        if suffix in {".html", ".htm"}:
            text = re.sub(r"(?is)<tr\b", "\n<tr", text)
        yield from _lines("line", text, csv=suffix == ".csv")


def _docx_units(path: Path) -> Iterator[tuple[str, str, bool, bool]]:
    """Every XML part of a Word document: table rows (tabular), other paragraphs, image alt
    text and the document properties."""
    from docx.opc.package import OpcPackage
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    table = qn("w:tbl")

    def text(element: Any) -> str:
        return "".join(t.text or "" for t in element.iter(qn("w:t")))

    for part in OpcPackage.open(str(path)).iter_parts():
        name = str(part.partname).lstrip("/")
        if not name.endswith(".xml"):
            continue
        root = parse_xml(part.blob)
        if name.startswith("docProps/"):
            yield name, " ".join(root.itertext()), False, False
            continue
        for n, row in enumerate(root.iter(qn("w:tr")), start=1):
            cells = [text(cell) for cell in row.iterchildren(qn("w:tc"))]
            yield f"{name} table row {n}", "\t".join(cells), True, False
        paragraphs = (p for p in root.iter(qn("w:p"))
                      if not any(a.tag == table for a in p.iterancestors()))
        for n, paragraph in enumerate(paragraphs, start=1):
            yield f"{name} paragraph {n}", text(paragraph), False, False
        for n, image in enumerate(root.iter(qn("wp:docPr")), start=1):
            yield f"{name} image {n}", f"{image.get('descr', '')} {image.get('title', '')}", False, False


def _lines(prefix: str, text: str, *, csv: bool = False) -> Iterator[tuple[str, str, bool, bool]]:
    text = BASE64.sub(" ", text)
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        tabular = csv or stripped.startswith("|") or stripped.lower().startswith("<tr")
        where = f"{prefix} {n}" if prefix == "line" else f"{prefix}, line {n}"
        yield where, line, tabular, csv and n == 1


def audit_file(path: Path, root: Path, ids: Identifiers) -> list[Leak]:
    """Every identifier found in one output file."""
    rel = path.relative_to(root).as_posix()
    return [
        Leak(rel, where, kind, masked)
        for where, text, tabular, header in _text_units(path)
        for kind, masked in scan_text(text, ids, tabular=tabular, header=header)
    ]


def audit(root: Path, ids: Identifiers) -> list[Leak]:
    """Every identifier in any file under ``root`` (executed notebooks, HTML, PDF, DOCX, CSV, xlsx).

    PDF text comes from PDFium (``pypdfium2``): 20 times faster than pypdf on the reports.
    """
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return [leak for path in files for leak in audit_file(path, root, ids)]


def redact(text: str, ids: Identifiers) -> str:
    """``text`` with CHILD ids, UPNs and full postcodes replaced by ``[redacted]``."""

    def token(match: re.Match[str]) -> str:
        return "[redacted]" if match.group(0).upper() in ids.tokens else match.group(0)

    text = re.sub(r"[A-Za-z0-9]+", token, text)
    for phrase in ids.phrases:
        text = re.sub(re.escape(phrase), "[redacted]", text, flags=re.IGNORECASE)

    def postcode(match: re.Match[str]) -> str:
        return "[redacted]" if (match.group(1) + match.group(2)).upper() in ids.postcodes else match.group(0)

    return re.sub(POSTCODE.pattern, postcode, text, flags=re.IGNORECASE)
