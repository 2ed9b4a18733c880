"""Robust reading of real-world CSV extracts into typed DataFrames.

Accepts UTF-8 (with or without BOM), UTF-16 with BOM, cp1252, CRLF line ends, comma,
semicolon or tab separators, Excel's ``sep=,`` first line (skipped with a warning), and
column names in any case or with spaces. Dates are ``dd/mm/YYYY`` (data contract); ISO
``YYYY-mm-dd`` and unambiguous two-digit years are accepted with a warning.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cpanalytics.data.codes import CODE_LISTS, LOCAL_CODE_LISTS
from cpanalytics.data.model import (
    DATE_COLUMNS,
    IDENTIFIER_COLUMNS,
    LOCAL_EXTRACTS,
    SRC_FILE,
    SRC_ROW,
    TABLES_903,
)
from cpanalytics.errors import Finding, UserError

#: Numeric columns (data contract); everything else that is not a date or a code is text.
NUMERIC_COLUMNS = frozenset({"SDQ_SCORE", "FTE", "AGE_0_17", "VALUE", "YEAR"})

#: Code columns: upper-cased and stored as ``category``.
CODE_COLUMNS = frozenset(CODE_LISTS) | frozenset(LOCAL_CODE_LISTS)

#: Label columns: stored as ``category`` as written (they are shown in reports).
LABEL_COLUMNS = frozenset({
    "PROVIDER", "DELAY_REASON", "CATEGORY", "NATIONALITY", "DISTRICT", "DISABILITY", "AREA",
})

#: Alternative column names seen in LA extracts and in the XML return.
COLUMN_ALIASES = {"CHILDID": "CHILD", "PL": "PLACE"}

#: Bookkeeping column of rows read from an XML return: where each row sits (``xml903.XmlPlace``).
SRC_XML = "SRC_XML"

#: Published-statistics markers that mean "no value" in a numeric column.
_NO_VALUE = frozenset({"[c]", "[x]", "[z]", "c", "x", "z", ".", ".."})

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DDMMYYYY = r"\d{1,2}/\d{1,2}/\d{4}"
_ISO = r"\d{4}-\d{1,2}-\d{1,2}"
_TWO_DIGIT_YEAR = r"\d{1,2}/\d{1,2}/\d{2}"
#: A byte that is not a BOM, blank or NUL: a file without one is empty.
_NOT_BLANK = re.compile(rb"[^\xef\xbb\xbf\xff\xfe \t\r\n\x00]")
_SEP_HINT = re.compile(r'^"?sep=(.)"?[,;\t|]*\s*$', re.IGNORECASE)

#: Every column name of the data contract: a line with none of them is not a header row.
KNOWN_COLUMNS = frozenset(c for cols in (*TABLES_903.values(), *LOCAL_EXTRACTS.values())
                          for c in cols) | frozenset(COLUMN_ALIASES)

#: Lines searched for the header row when the first line is not it.
_TITLE_LINES_SEARCHED = 10

#: Years of plausible dates before and after the end of the collection year, per column,
#: for reading two-digit years (docs/errors.md, E113/W105): a DOB is of someone under 26.
_PLAUSIBLE_YEARS: dict[str, tuple[int, int]] = {"DOB": (26, 0), "MC_DOB": (26, 0)}
_PLAUSIBLE_OTHER = (50, 25)


@dataclass(frozen=True)
class RawTable:
    """A CSV file read as text: normalised column names, stripped strings, 1-based SRC_ROW."""

    path: Path
    frame: pd.DataFrame
    sha256: str
    findings: list[Finding] = field(default_factory=list)


def read_raw(path: Path) -> bytes:
    """The file's bytes, refusing empty files and spreadsheets saved in place of a CSV."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"the file could not be opened ({exc.strerror})", file=path, code="E108",
            fix="check the file exists and you have permission to read it",
        ) from exc
    if not _NOT_BLANK.search(raw):
        raise UserError(
            "the file is empty",
            file=path, code="E106",
            fix="export the table again with its header row (a table with no records "
                "still needs the header row), or delete the file if the table is optional",
        )
    if raw.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise UserError(
            "this is an Excel workbook, not a CSV file",
            file=path, code="E107",
            fix="open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)', "
                "then replace this file with the .csv",
        )
    return raw


def decode_text(raw: bytes, path: Path) -> str:
    """Decode UTF-8 (BOM optional), UTF-16 (BOM, or NUL-padded) or cp1252 text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif raw[1:2] == b"\x00":
        encodings = ["utf-16-le"]
    elif raw[:1] == b"\x00":
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(
        f"the file could not be read as text (tried {', '.join(encodings)})",
        file=path, code="E108",
        fix="open it in a text editor or Excel and save it as 'CSV UTF-8'",
    )


def normalise_column(name: object) -> str:
    """``' child id '`` -> ``CHILD_ID``; known aliases (CHILDID, PL) map to contract names."""
    text = re.sub(r"[\s\-]+", "_", str(name).strip().strip('"').strip("\ufeff").strip())
    text = text.upper()
    return COLUMN_ALIASES.get(text, text)


def _separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t", "|"], key=first.count)


def _skip_sep_hint(text: str, path: Path) -> tuple[str, str | None, list[Finding]]:
    """Excel's ``sep=,`` first line removed: (text, its separator, W104 warning) (E118 mend)."""
    end = text.find("\n")
    first = text[:end] if end >= 0 else text
    hint = _SEP_HINT.match(first.strip("\ufeff\r"))
    if not hint:
        return text, None, []
    return text[len(first) + 1:], hint.group(1), [Finding(
        "warning", "W104", str(path),
        f"the first line {first.strip()!r} is Excel's separator hint, not the header row; "
        "it was skipped", row=1,
        fix="ignore this warning, or save the file again as 'CSV UTF-8' without the hint",
    )]


def _check_header_first(text: str, sep: str, path: Path, offset: int) -> None:
    """E119 when title lines sit above the header row (the first line names no known column)."""
    lines = text.split("\n", _TITLE_LINES_SEARCHED + 1)[:_TITLE_LINES_SEARCHED]

    def known(line: str) -> int:
        return len({normalise_column(c) for c in line.split(sep)} & KNOWN_COLUMNS)

    if not lines or known(lines[0]):
        return
    header = next((n for n, line in enumerate(lines) if known(line) >= 2), None)
    if header is not None:
        raise UserError(
            f"the header row is not the first line: {header} title line(s) above it",
            file=path, row=header + 1 + offset, code="E119",
            fix=f"delete the {header} line(s) above the header row, so that the column "
                "names (CHILD, ...) are on line 1",
        )


def read_csv(path: Path) -> RawTable:
    """Read a CSV as strings (blank -> missing) with normalised column names and SRC_ROW."""
    raw = read_raw(path)
    text, hinted, findings = _skip_sep_hint(decode_text(raw, path), path)
    skipped = len(findings)
    sep = hinted or _separator(text)
    _check_header_first(text, sep, path, skipped)
    encoded = _utf8(text) if len(sep.encode()) == 1 else None
    frame = _arrow_csv(encoded, sep) if encoded is not None else None
    if frame is None:
        try:
            frame = pd.read_csv(
                io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                skip_blank_lines=False,
            )
        except pd.errors.ParserError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise UserError(
                f"a row has a different number of fields from the header row ({exc})",
                file=path, row=int(line.group(1)) + skipped if line else None, code="E118",
                fix="quote values that contain the separator, and check the row for a "
                    "missing or extra separator",
            ) from exc
    blank_columns = [c for c in frame.columns if str(c).startswith("Unnamed:")
                     and frame[c].fillna("").str.strip().eq("").all()]  # trailing separators
    frame = frame.drop(columns=blank_columns)
    frame.columns = [normalise_column(c) for c in frame.columns]
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise UserError(
            f"the column {dupes[0]} appears more than once (column names are compared "
            "ignoring case and spaces)",
            file=path, row=1, column=dupes[0], code="E110",
            fix="delete or rename the duplicate column in the header row",
        )
    if _padded(text, encoded, sep):
        frame = frame.apply(lambda s: s.str.strip()).replace("", None)
    filled = frame.notna().any(axis=1).to_numpy()
    frame[SRC_ROW] = pd.RangeIndex(2 + skipped, len(frame) + 2 + skipped)
    frame = frame[filled].reset_index(drop=True)
    frame[SRC_FILE] = str(path)
    return RawTable(path, frame, hashlib.sha256(raw).hexdigest(), findings)


def _utf8(text: str) -> bytes | None:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None


def _arrow_csv(data: bytes, sep: str) -> pd.DataFrame | None:
    """The CSV as ``pd.read_csv`` reads it (every value a string, blank = missing), read by
    Arrow's parser, eight times faster (a blank line is a row of missing values in both). None
    when it cannot be read as plainly: a header with a blank or repeated name, a row with
    more or fewer fields; then pandas reads it, and says what is wrong."""
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode().rstrip("\r")
    if first.count('"') % 2:  # a quoted header name runs onto the next line
        return None
    names = next(csv.reader([first], delimiter=sep), [])
    if not names or not all(names) or len(set(names)) < len(names):
        return None
    columns = [f"c{i}" for i in range(len(names))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()), null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid:
        return None
    frame = table.to_pandas()
    frame.columns = pd.Index(names)
    return frame


def _padded(text: str, data: bytes | None, sep: str) -> bool:
    """True when a value may start or end with a space or tab: the text starts with
    whitespace, or has a space beside a separator or a line end, or a tab beside a separator.
    Found with numpy on the UTF-8 bytes when the separator is one byte (seven substring
    searches of the text took a third as long as parsing it)."""
    if text[:1].isspace():
        return True
    if data is None or len(sep.encode()) != 1:
        padded = (f"{sep} ", f" {sep}", "\n ", " \n", " \r", f"{sep}\t", f"\t{sep}")
        return any(p in text for p in padded)
    raw = np.frombuffer(data, dtype=np.uint8)
    code = ord(sep)
    if len(raw) > 1 and raw[-1] in (32, 9) and raw[-2] in ((code, 10) if raw[-1] == 32 else (code,)):
        return True
    before, middle, after = raw[:-2], raw[1:-1], raw[2:]  # the first byte is not blank here
    spaces, tabs = np.flatnonzero(middle == 32), np.flatnonzero(middle == 9)
    return bool(np.isin(before[spaces], (code, 10)).any()
                or np.isin(after[spaces], (code, 10, 13)).any()
                or (before[tabs] == code).any() or (after[tabs] == code).any())


class Locatable(Protocol):
    """Where a row of an XML return sits (``xml903.XmlPlace``)."""

    def locate(self, column: str | None) -> tuple[str, int, int]: ...


def where(row: int, column: str | None, place: Locatable | float | None = None) -> dict[str, Any]:
    """Finding keywords locating a value: its row, and in an XML return the child, record,
    element, line and column (``place`` from SRC_XML; missing for CSV rows)."""
    if hasattr(place, "locate"):
        # mypy's hasattr() narrowing does not reach a Protocol in a union
        record, line, char = cast(Locatable, place).locate(column)
        return {"row": line, "record": record, "position": char}
    return {"row": int(row)}


def _rows(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    return frame.loc[mask, SRC_ROW].astype(int).tolist()


def _first(frame: pd.DataFrame, mask: pd.Series, column: str) -> dict[str, Any]:
    """:func:`where` the first row of ``mask`` is."""
    first = frame.loc[mask].iloc[0]
    return where(first[SRC_ROW], column, first.get(SRC_XML))


def _in_xml(at: dict[str, Any]) -> str:
    """`` (in CHILD 0042, EPISODE 2, DEC at column 845)`` for an XML location, else nothing."""
    return f" (in {at['record']} at column {at['position']})" if "record" in at else ""


def _shown(value: str, column: str) -> str:
    """The value quoted, unless the column identifies a child (then it is never printed)."""
    return "the value" if column in IDENTIFIER_COLUMNS else repr(value)


def _refused(frame: pd.DataFrame, mask: pd.Series, column: str, path: Path, problem: str,
             code: str, fix: str) -> UserError:
    """The error for the rows of ``mask``: the first located (row, or XML place), others counted."""
    at = _first(frame, mask, column)
    return UserError(f"{problem}{_in_xml(at)}{_more(_rows(frame, mask))}", file=path,
                     row=at["row"], column=column, code=code, fix=fix)


def _more(rows: list[int]) -> str:
    extra = len(rows) - 1
    return f" ({extra} more row{'s' if extra > 1 else ''} like this, e.g. row {rows[1]})" if extra else ""


def parse_dates(
    frame: pd.DataFrame, path: Path, year: int | None = None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Parse every date column from ``dd/mm/YYYY`` (ISO and two-digit years with a warning).

    ``year`` is the collection year the file belongs to (for local extracts, the latest
    loaded): two-digit years are read against it (:func:`_two_digit_years`).
    """
    findings: list[Finding] = []
    out = frame.copy()
    for column in [c for c in frame.columns if c in DATE_COLUMNS]:
        text = frame[column]
        parsed = _parse_ddmmyyyy(text)
        failed = text.notna() & parsed.isna()
        if failed.any():
            parsed, found = _parse_other_dates(frame, path, column, parsed, failed, year)
            findings += found
        out[column] = parsed.astype("datetime64[us]")
    return out, findings


def _parse_ddmmyyyy(text: pd.Series) -> pd.Series:
    """Dates written exactly ``dd/mm/YYYY`` (two-digit day and month, four-digit year), else NaT.

    Arrow's vectorised parser, kept only where the text has exactly that shape and the
    date has the day and month written: that rejects what it would roll over (31/02/2020
    read as 2 March) or read loosely (1/4/2019, 01/04/19). Other forms go to the slower
    checks. (Formatting each date back to compare took three times as long.)
    """
    values = pa.array(text.array, from_pandas=True).cast(pa.large_string())  # as pandas holds it
    parsed = pc.strptime(values, format="%d/%m/%Y", unit="s", error_is_null=True)
    shaped = pc.if_else(pc.match_substring_regex(values, r"^\d\d/\d\d/\d\d\d\d$"), values, None)
    day = pc.cast(pc.utf8_slice_codeunits(shaped, 0, 2), pa.int64())
    month = pc.cast(pc.utf8_slice_codeunits(shaped, 3, 5), pa.int64())
    exact = pc.and_(pc.equal(pc.day(parsed), day), pc.equal(pc.month(parsed), month))
    kept = pc.if_else(pc.fill_null(exact, False), parsed, None)
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=text.index, name=text.name)


def _parse_other_dates(
    frame: pd.DataFrame, path: Path, column: str, parsed: pd.Series, failed: pd.Series,
    year: int | None,
) -> tuple[pd.Series, list[Finding]]:
    """The values ``dd/mm/YYYY`` did not parse: ISO or two-digit year (warn), a 00:00 time
    (drop), or an error."""
    sub = frame.loc[failed]
    text = sub[column].str.replace(r"[ T]00:00(:00(\.0+)?)?$", "", regex=True)
    ddmm = text.str.fullmatch(_DDMMYYYY).astype(bool)
    iso = text.str.fullmatch(_ISO).astype(bool)
    two = text.str.fullmatch(_TWO_DIGIT_YEAR).astype(bool)
    bad = ~(ddmm | iso | two)
    if bad.any():
        raise _refused(sub, bad, column, path,
                       f"{_shown(text[bad].iloc[0], column)} is not a date in the form dd/mm/YYYY",
                       "E114", "write dates as dd/mm/YYYY (e.g. 01/04/2019), or leave the cell blank")
    fixed = pd.to_datetime(text.where(ddmm), format="%d/%m/%Y", errors="coerce").fillna(
        pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce"))
    centuries = _two_digit_years(sub, path, column, text.where(two), year)
    fixed = fixed.fillna(centuries)
    impossible = fixed.isna()
    if impossible.any():
        raise _refused(sub, impossible, column, path,
                       f"{_shown(text[impossible].iloc[0], column)} is not a real date", "E112",
                       "correct the day or month (dates are dd/mm/YYYY, e.g. 28/02/2019)")
    findings = []
    if iso.any():
        findings.append(Finding(
            "warning", "W102", str(path),
            f"{iso.sum()} date(s) are in ISO form YYYY-mm-dd; they were read as such"
            f"{_more(_rows(sub, iso))}",
            column=column, **_first(sub, iso, column),
            value=None if column in IDENTIFIER_COLUMNS else text[iso].iloc[0],
            fix="export dates as dd/mm/YYYY as the SSDA903 specification requires",
        ))
    if two.any():
        findings.append(Finding(
            "warning", "W105", str(path),
            f"{two.sum()} date(s) have a two-digit year; each was read in the one century "
            f"that gives a plausible {column}{_more(_rows(sub, two))}", column=column,
            **_first(sub, two, column),
            value=None if column in IDENTIFIER_COLUMNS else (
                f"{text[two].iloc[0]} read as {fixed[two].iloc[0]:%d/%m/%Y}"),
            fix="export dates with four-digit years, dd/mm/YYYY, so that nothing is guessed",
        ))
    return parsed.fillna(fixed), findings


def _two_digit_years(
    frame: pd.DataFrame, path: Path, column: str, text: pd.Series, year: int | None,
) -> pd.Series:
    """``dd/mm/yy`` read as 19yy or 20yy, whichever alone lies in the column's plausible span.

    The span runs from ``before`` years before to ``after`` years after the end of the
    collection year (a DOB: under 26 and born by then; other dates: 50 before, 25 after).
    Both spans are shorter than a century, so at most one reading fits; a value that fits
    neither (DOB 01/01/50 in 2019: 1950 or 2050?) is ambiguous and refused (E113).
    """
    if text.isna().all():
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    before, after = _PLAUSIBLE_YEARS.get(column, _PLAUSIBLE_OTHER)
    day_month = text.str.slice(stop=-2)
    readings = [pd.to_datetime(day_month + century + text.str.slice(-2), format="%d/%m/%Y",
                               errors="coerce") for century in ("19", "20")]
    if year is None:
        plausible, span = [pd.Series(False, index=text.index)] * 2, "the file has no collection year"
    else:
        end = pd.Timestamp(year, 3, 31)
        low, high = end - pd.DateOffset(years=before), end + pd.DateOffset(years=after)
        plausible = [(r > low) & (r <= high) for r in readings]
        span = (f"a {column} in the {year} return lies after {low:%d/%m/%Y} and on or "
                f"before {high:%d/%m/%Y}")
    ambiguous = readings[0].notna() & (plausible[0] == plausible[1])
    if ambiguous.any():
        raise _refused(frame, ambiguous, column, path,
                       f"{_shown(text[ambiguous].iloc[0], column)} has a two-digit year that cannot "
                       f"be read safely: neither 19yy nor 20yy is plausible ({span})", "E113",
                       "export dates with four-digit years, dd/mm/YYYY (e.g. 01/04/2019); in Excel "
                       "format the column as dd/mm/yyyy before saving")
    return readings[1].where(plausible[1], readings[0])


def parse_numbers(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Numeric columns to numbers; suppression markers ([c], [x], ..) become missing."""
    out = frame.copy()
    for column in [c for c in frame.columns if c in NUMERIC_COLUMNS]:
        text = frame[column].where(~frame[column].str.lower().isin(_NO_VALUE))
        numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = text.notna() & numbers.isna()
        if bad.any():
            raise _refused(frame, bad, column, path, f"{text[bad].iloc[0]!r} is not a number",
                           "E115", "enter a number (or leave the cell blank)")
        out[column] = numbers
    return out


def upper_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Code columns upper-cased (still text; see :func:`categorise`)."""
    out = frame.copy()
    for column in [c for c in frame.columns if c in CODE_COLUMNS]:
        out[column] = frame[column].str.upper()
    return out


def categorise(frame: pd.DataFrame) -> pd.DataFrame:
    """Code and label columns as ``category`` (data model convention)."""
    out = frame.copy()
    for column in [c for c in frame.columns if c in CODE_COLUMNS | LABEL_COLUMNS]:
        out[column] = frame[column].astype("category")
    return out


def identify_table(
    columns: list[str], path: Path, known: dict[str, list[str]],
) -> str:
    """Which table a file holds, from its columns; a file named after another table is an error."""
    present = set(columns)

    def score(name: str) -> tuple[float, int]:
        expected = set(known[name])
        return len(expected & present) / len(expected), -len(present - expected)

    best = max(known, key=score)
    slot = _slot(path, known)
    if slot is not None and slot != best and score(best) > score(slot) and score(best)[0] == 1:
        raise UserError(
            f"this file is named as the {slot} table but its columns are those of the "
            f"{best} table ({', '.join(columns[:6])}...)",
            file=path, row=1, code="E109",
            fix=f"put the {slot} table in this file, or rename the file to {best}.csv",
        )
    chosen = slot or best
    if slot is None and score(best)[0] < 0.5:
        raise UserError(
            f"the columns ({', '.join(columns[:8])}) do not match any SSDA903 table",
            file=path, row=1, code="E110",
            fix="name the file after the table it holds (" + ", ".join(f"{k}.csv" for k in known)
                + ") and use the DfE column names (docs/data-contract.md)",
        )
    return chosen


def _slot(path: Path, known: dict[str, list[str]]) -> str | None:
    stem = normalise_column(path.stem).lower()
    if stem in known:
        return stem
    hits = [name for name in known if re.search(rf"(^|_){name}($|_)", stem)]
    return max(hits, key=len) if hits else None


def check_columns(
    frame: pd.DataFrame, table: str, expected: list[str], path: Path,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Missing required columns are an error; extra columns are dropped with a warning."""
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise UserError(
            f"the {table} table is missing the column(s) {', '.join(missing)}",
            file=path, row=1, column=missing[0], code="E111",
            fix=f"add the column(s) to the header row (they may be blank); the {table} "
                f"table needs: {', '.join(expected)}",
        )
    extra = [c for c in frame.columns if c not in expected and c not in (SRC_ROW, SRC_FILE)]
    findings = [
        Finding(
            "warning", "W101", str(path),
            f"extra column(s) {', '.join(extra)} are not part of the {table} table and "
            "were ignored", row=1, column=extra[0],
            fix="remove the column(s), or ignore this warning",
        )
    ] if extra else []
    return frame[[*expected, SRC_FILE, SRC_ROW]], findings


def read_table(
    path: Path, known: dict[str, list[str]], year: int | None = None,
) -> tuple[str, pd.DataFrame, str, list[Finding]]:
    """Read and type one CSV of collection year ``year``: (table name, frame, sha256, ingest findings)."""
    raw = read_csv(path)
    table = identify_table(
        [c for c in raw.frame.columns if c not in (SRC_ROW, SRC_FILE)], path, known
    )
    frame, findings = check_columns(raw.frame, table, known[table], path)
    frame, date_findings = parse_dates(frame, path, year)
    frame = upper_codes(parse_numbers(frame, path))
    return table, frame, raw.sha256, raw.findings + findings + date_findings
