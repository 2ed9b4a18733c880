"""Read the DfE SSDA903 XML return (``EXPSSDA903``) into the same tables as the CSVs.

Structure (as read by ``lac_validator.ingress.read_xml_from_text``)::

    EXPSSDA903/CHILD/HEADER/{CHILDID, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB, UASC, DUC,
                             IN_TOUCH, ACTIV, ACCOM, DATE_INT, ... (OC3, AD1 items)}
    EXPSSDA903/CHILD/HEADER/{AREVIEW, AMISSING, OC2, PERMANENCE, AD_PLACED}/...
    EXPSSDA903/CHILD/EPISODE/{DECOM, RNE, LS, CIN, PL, ..., REASON_PLACE_CHANGE}

``CHILDID`` becomes CHILD and ``PL`` becomes PLACE. SRC_ROW is the XML line where the
record's element starts; SRC_XML holds an :class:`XmlPlace` per row, so that a finding
names the child, the record (the child's nth EPISODE, AREVIEW, ...) and the element with
its line and column: a return written on one line has every record on line 2.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeAlias, cast
from xml.parsers import expat

import pandas as pd

from cpanalytics.data.ingest import COLUMN_ALIASES, SRC_XML, read_raw
from cpanalytics.data.model import SRC_FILE, SRC_ROW, TABLES_903
from cpanalytics.errors import UserError

#: XML record element -> table it feeds (one row per element).
RECORD_TABLES = {
    "EPISODE": "episodes",
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "OC2": "oc2",
    "PERMANENCE": "previous_permanence",
    "AD_PLACED": "placed_for_adoption",
}

#: Tables held as items of the child's HEADER: (table, items that signal the table is present).
HEADER_TABLES = {
    "uasc": ("UASC_FLAG", "DUC"),
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}


#: XML element -> column: the CSV aliases, and the UASC flag (a column of its own here).
XML_ALIASES = {**COLUMN_ALIASES, "UASC": "UASC_FLAG"}
#: Column -> the XML element that holds it (for locating findings).
ELEMENTS = {column: element for element, column in XML_ALIASES.items()}

#: Items copied from the child's HEADER onto each of its records.
_FROM_HEADER = ("CHILD", "DOB")


@dataclass(frozen=True)
class XmlPlace:
    """Where one row of a table sits in the XML: its child, record, and elements' (line, column)."""

    child: str | None
    record: str  # "HEADER", or the child's nth record: "EPISODE 2", "AREVIEW 1"
    start: tuple[int, int]
    elements: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, column: str | None) -> tuple[str, int, int]:
        """(``CHILD 0042, EPISODE 2, DEC``, line, column) of ``column``'s element, else the record's start."""
        element = ELEMENTS.get(column or "", column)
        record = "HEADER" if column in _FROM_HEADER else self.record
        line, char = self.elements.get(column or "", self.start)
        child = f"CHILD {self.child}" if self.child else "CHILD (no CHILDID)"
        return ", ".join(filter(None, (child, record, element))), line, char


#: A record's SRC_XML until its child closes: (record, start, element positions).
_Pending: TypeAlias = "tuple[str, tuple[int, int], dict[str, tuple[int, int]]]"
#: A row's values: element text, SRC_ROW (a line), SRC_XML (pending, then an XmlPlace).
_Value: TypeAlias = "str | int | XmlPlace | _Pending"


class _Collector:
    """expat callbacks gathering one dict per record, with the line it starts on."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.rows: dict[str, list[dict[str, _Value]]] = {t: [] for t in TABLES_903}
        self.child: dict[str, _Value] | None = None
        self.record: dict[str, _Value] | None = None
        self.record_table = ""
        self.pending: list[dict[str, _Value]] = []
        self.text: list[str] = []
        self.root = ""
        self.at = (0, 0)
        self.header_at = (0, 0)
        self.child_at: dict[str, tuple[int, int]] = {}
        self.record_at: dict[str, tuple[int, int]] = {}
        self.counts: Counter[str] = Counter()

    @staticmethod
    @cache
    def _tag(name: str) -> str:
        return name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].upper()

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        tag = self._tag(name)
        self.root = self.root or tag
        self.text = []
        self.at = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
        if tag == "CHILD" and self.child is None:
            self.child = {SRC_ROW: self.at[0]}
            self.header_at, self.child_at, self.counts = self.at, {}, Counter()
        elif tag == "HEADER" and self.child is not None and self.record is None:
            self.header_at = self.at
        elif tag in RECORD_TABLES and self.child is not None:
            self.counts[tag] += 1
            self.record_at = {}
            # (record, start, element positions) until the child closes and its id is known
            self.record = {SRC_ROW: self.at[0],
                           SRC_XML: (f"{tag} {self.counts[tag]}", self.at, self.record_at)}
            self.record_table = RECORD_TABLES[tag]

    def chars(self, data: str) -> None:
        self.text.append(data)

    def end(self, name: str) -> None:
        tag = self._tag(name)
        text = "".join(self.text).strip()
        self.text = []
        if self.child is None:
            return
        if tag == "CHILD" and self.record is None:
            self._close_child()
        elif tag in RECORD_TABLES and self.record is not None:
            self.rows[self.record_table].append(self.record)
            self.pending.append(self.record)
            self.record = None
        elif text:
            key = XML_ALIASES.get(tag, tag)
            (self.record if self.record is not None else self.child)[key] = text
            (self.record_at if self.record is not None else self.child_at)[key] = self.at

    def _close_child(self) -> None:
        child = self.child or {}
        self.rows["header"].append(child)
        for table, signals in HEADER_TABLES.items():
            flag = str(child.get("UASC_FLAG", "0")).upper() in ("1", "TRUE", "Y", "YES")
            if any(s in child and s != "UASC_FLAG" for s in signals) or (
                table == "uasc" and flag
            ):
                self.rows[table].append(child)
        child_id = str(child["CHILD"]) if "CHILD" in child else None
        child[SRC_XML] = XmlPlace(child_id, "HEADER", self.header_at, self.child_at)
        from_header = {k: self.child_at[k] for k in _FROM_HEADER if k in self.child_at}
        for row in self.pending:
            row.update({k: child[k] for k in _FROM_HEADER if k in child})
            record, start, at = cast(_Pending, row[SRC_XML])  # set in start(), still pending
            row[SRC_XML] = XmlPlace(child_id, record, start, {**from_header, **at})
        self.pending = []
        self.child = None


def read_xml(path: Path) -> tuple[dict[str, pd.DataFrame], str]:
    """All SSDA903 tables from one XML return, as text frames with SRC_FILE/SRC_ROW; and sha256."""
    raw = read_raw(path)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    collector = _Collector(parser)
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.chars
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise UserError(
            f"the XML could not be read: {expat.errors.messages[exc.code]}",
            file=path, row=exc.lineno, code="E117",
            fix="export the SSDA903 XML return again from the case system, or supply CSVs",
        ) from exc
    if collector.root != "EXPSSDA903" or not collector.rows["header"]:
        raise UserError(
            f"this is not an SSDA903 XML return (root element {collector.root or 'none'}, "
            f"{len(collector.rows['header'])} CHILD records)",
            file=path, row=1, code="E117",
            fix="supply the EXPSSDA903 XML file submitted to DfE, or the CSV tables",
        )
    tables = {}
    for table, columns in TABLES_903.items():
        frame = pd.DataFrame(collector.rows[table], columns=[*columns, SRC_ROW, SRC_XML],
                             dtype=object)
        frame = frame.astype({c: "str" for c in columns}).astype({SRC_ROW: "int64"})
        frame[columns] = frame[columns].where(frame[columns].notna() & (frame[columns] != ""))
        frame[SRC_FILE] = str(path)
        tables[table] = frame[[*columns, SRC_FILE, SRC_ROW, SRC_XML]]
    return tables, hashlib.sha256(raw).hexdigest()
