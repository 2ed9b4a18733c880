"""Tiny helpers to write a data root (903/<YYYY>/*.csv, local/*.csv, XML) from small tables.

Rows are dicts keyed by DfE column names; absent columns are written blank. Dates are
written as given (strings, dd/mm/YYYY).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from cpanalytics.data.model import LOCAL_EXTRACTS, TABLES_903

Rows = list[dict[str, str]]


def csv_text(rows: Rows, columns: list[str], sep: str = ",") -> str:
    """CSV text with a header row and one line per row (blank where a column is absent)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write_csv(
    path: Path, rows: Rows, columns: list[str], *, sep: str = ",", encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """Write ``rows`` as a CSV with the given separator, encoding and line ending."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(rows, columns, sep).replace("\n", newline).encode(encoding))
    return path


def write_year(root: Path, year: int, tables: dict[str, Rows]) -> Path:
    """Write ``root/903/<year>/<table>.csv`` for each table, with the contract columns."""
    folder = root / "903" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        write_csv(folder / f"{name}.csv", rows, TABLES_903[name])
    return folder


def write_local(root: Path, name: str, rows: Rows) -> Path:
    """Write ``root/local/<name>.csv`` with the extract's columns."""
    return write_csv(root / "local" / f"{name}.csv", rows, LOCAL_EXTRACTS[name])


def small_year(year: int = 2019) -> dict[str, Rows]:
    """A valid two-child return: child 001 (in care all year), child 002 (left in the year)."""
    sex = ("1", "2") if year <= 2024 else ("M", "F")
    return {
        "header": [
            {"CHILD": "001", "SEX": sex[0], "DOB": "01/06/2010", "ETHNIC": "WBRI",
             "UPN": "A123456789012"},
            {"CHILD": "002", "SEX": sex[1], "DOB": "15/01/2008", "ETHNIC": "BAFR"},
        ],
        "episodes": [
            {"CHILD": "001", "DECOM": f"01/01/{year - 1}", "RNE": "S", "LS": "C2", "CIN": "N1",
             "PLACE": "U1", "PLACE_PROVIDER": "PR1", "HOME_POST": "ME14 1XQ",
             "PL_POST": "CT1 2AA"},
            {"CHILD": "002", "DECOM": f"01/05/{year - 1}", "RNE": "S", "LS": "V2", "CIN": "N2",
             "PLACE": "R1", "PLACE_PROVIDER": "PR4", "DEC": f"01/02/{year}", "REC": "E13",
             "HOME_POST": "ME14 1XQ", "PL_POST": "CT1 2AA"},
        ],
        "reviews": [
            {"CHILD": "001", "DOB": "01/06/2010", "REVIEW": f"01/07/{year - 1}",
             "REVIEW_CODE": "PN1"},
        ],
    }


def write_small_root(root: Path, years: tuple[int, ...] = (2019,)) -> Path:
    """A data root with :func:`small_year` for each year."""
    for year in years:
        write_year(root, year, small_year(year))
    return root


def write_xml(path: Path, tables: dict[str, Rows]) -> Path:
    """Write the tables as a DfE EXPSSDA903 XML return (CHILD/HEADER, CHILD/EPISODE ...)."""
    nested = {"reviews": "AREVIEW", "missing": "AMISSING", "oc2": "OC2",
              "previous_permanence": "PERMANENCE", "placed_for_adoption": "AD_PLACED"}
    root = ET.Element("EXPSSDA903")
    for child in tables["header"]:
        cid = child["CHILD"]
        node = ET.SubElement(root, "CHILD")
        header = ET.SubElement(node, "HEADER")
        for column in TABLES_903["header"]:
            ET.SubElement(header, "CHILDID" if column == "CHILD" else column).text = child.get(column)
        for row in tables.get("uasc", []):
            if row["CHILD"] == cid:
                ET.SubElement(header, "UASC").text = "1"
                ET.SubElement(header, "DUC").text = row.get("DUC")
        for table in ("oc3", "ad1"):
            for row in tables.get(table, []):
                if row["CHILD"] == cid:
                    for column in TABLES_903[table][2:]:
                        ET.SubElement(header, column).text = row.get(column)
        for table, tag in nested.items():
            for row in tables.get(table, []):
                if row["CHILD"] == cid:
                    item = ET.SubElement(header, tag)
                    for column in TABLES_903[table][2:]:
                        ET.SubElement(item, column).text = row.get(column)
        for row in tables.get("episodes", []):
            if row["CHILD"] == cid:
                episode = ET.SubElement(node, "EPISODE")
                for column in TABLES_903["episodes"][1:]:
                    ET.SubElement(episode, "PL" if column == "PLACE" else column).text = row.get(column)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


@dataclass(frozen=True)
class FakeIndicator:
    """A registry entry's scorecard facts, for scorecard and pack tests."""

    id: str
    title: str
    polarity: str | None
    period: str = "SS"
    kind: str = "rate"
    unit: str = "%"
    kpi: bool = True
    phrase: str | None = None
    short: str | None = None
