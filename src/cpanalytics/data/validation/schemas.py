"""pandera schemas for each SSDA903 table, keyed by collection year.

Code lists come from :mod:`cpanalytics.data.codes`; required (non-blank) items follow the DfE
validator's "must be completed" rules. A code valid only in another collection year is
reported as such (V202) rather than as simply invalid (V201).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from cpanalytics.data.codes import CODE_LISTS, LOCAL_CODE_LISTS, all_codes, valid_codes, years_valid
from cpanalytics.data.ingest import SRC_XML, where
from cpanalytics.data.model import (
    IDENTIFIER_COLUMNS,
    LOCAL_EXTRACTS,
    SRC_FILE,
    SRC_ROW,
    TABLES_903,
    YEAR,
)
from cpanalytics.errors import Finding

#: Items that must not be blank, per table.
REQUIRED_ITEMS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE"),
    "uasc": ("CHILD", "DOB", "DUC"),
    "reviews": ("CHILD", "REVIEW"),
    "oc2": ("CHILD",),
    "oc3": ("CHILD", "IN_TOUCH"),
    "ad1": ("CHILD", "DATE_INT", "DATE_MATCH"),
    "placed_for_adoption": ("CHILD", "DATE_PLACED"),
    "previous_permanence": ("CHILD",),
    "missing": ("CHILD", "MISSING", "MIS_START"),
}

#: Numeric ranges (DfE rule 180: SDQ score 0 to 40).
RANGES = {"SDQ_SCORE": (0, 40)}


@cache
def schema_for(table: str, year: int) -> pa.DataFrameSchema:
    """The pandera schema for ``table`` in collection year ``year``."""
    columns = {}
    for column in TABLES_903[table]:
        checks = []
        if column in CODE_LISTS:
            checks.append(pa.Check.isin(sorted(valid_codes(column, year))))
        if column in RANGES:
            low, high = RANGES[column]
            checks.append(pa.Check.in_range(low, high))
        columns[column] = pa.Column(
            checks=checks, nullable=column not in REQUIRED_ITEMS[table], required=True,
        )
    return pa.DataFrameSchema(columns, name=f"{table} {year}")


def _message(table: str, column: str, check: str, value: object, year: int) -> tuple[str, str, str]:
    """(rule code, message, fix) for one pandera failure case."""
    if check == "not_nullable":
        return "V203", f"{column} is blank but must be completed in the {table} table", (
            f"enter {column} for this record"
        )
    if str(check).startswith("in_range"):
        low, high = RANGES[column]
        return "V204", f"{column} must be between {low} and {high}", f"correct {column}"
    code = str(value)
    if code in all_codes(column):
        return "V202", (
            f"{code} is a {column} code for {years_valid(column, code)}, not for collection "
            f"year {year}"
        ), f"use the {year} code list: {', '.join(sorted(valid_codes(column, year)))}"
    return "V201", f"not a valid {column} code in collection year {year}", (
        f"use one of: {', '.join(sorted(valid_codes(column, year)))}"
    )


def check_schemas(tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Validate every table against :func:`schema_for` its rows' collection year (years with
    the same code lists checked together); one finding per cell."""
    findings: list[Finding] = []
    for table, frame in tables.items():
        if table not in TABLES_903 or frame.empty:
            continue
        for years in _same_code_lists(table, sorted(int(y) for y in frame[YEAR].unique())):
            rows = frame[frame[YEAR].isin(years)]
            try:
                schema_for(table, years[0]).validate(rows, lazy=True)
            except pa.errors.SchemaErrors as exc:
                cases = exc.failure_cases.dropna(subset=["index"])
                located = rows.loc[cases["index"].astype(int)].reindex(
                    columns=[SRC_FILE, SRC_ROW, YEAR, SRC_XML])
                for (_, case), (src, row, year, place) in zip(
                        cases.iterrows(), located.itertuples(index=False), strict=True):
                    rule, message, fix = _message(
                        table, case["column"], case["check"], case["failure_case"], int(year)
                    )
                    shown = None if case["column"] in IDENTIFIER_COLUMNS or pd.isna(
                        case["failure_case"]) else str(case["failure_case"])
                    findings.append(Finding(
                        "error", rule, src, message, column=case["column"], value=shown,
                        fix=fix, **where(row, case["column"], place),
                    ))
    return findings


def _same_code_lists(table: str, years: list[int]) -> list[list[int]]:
    """``years`` grouped so that each group has the same code lists for ``table``."""
    groups: dict[tuple[frozenset[str], ...], list[int]] = {}
    for year in years:
        key = tuple(frozenset(valid_codes(c, year)) for c in TABLES_903[table] if c in CODE_LISTS)
        groups.setdefault(key, []).append(year)
    return list(groups.values())


@cache
def local_schema(extract: str) -> pa.DataFrameSchema:
    """The pandera schema for a local extract: its code lists, and CHILD never blank."""
    columns = {
        column: pa.Column(
            checks=[pa.Check.isin(sorted(LOCAL_CODE_LISTS[column]))]
            if column in LOCAL_CODE_LISTS else [],
            nullable=column != "CHILD", required=True,
        )
        for column in LOCAL_EXTRACTS[extract]
    }
    return pa.DataFrameSchema(columns, name=extract)


def check_local(local: dict[str, pd.DataFrame]) -> list[Finding]:
    """Validate each local extract supplied against :func:`local_schema`."""
    findings: list[Finding] = []
    for extract, frame in local.items():
        try:
            local_schema(extract).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases.dropna(subset=["index"])
            where = frame.loc[cases["index"].astype(int), [SRC_FILE, SRC_ROW]]
            for (_, case), (src, row) in zip(cases.iterrows(), where.itertuples(index=False), strict=True):
                column, value = case["column"], case["failure_case"]
                if case["check"] == "not_nullable":
                    rule, message, fix, value = "V203", f"{column} is blank but must be completed", (
                        f"enter {column} for this record"), None
                else:
                    codes = ", ".join(sorted(LOCAL_CODE_LISTS[column]))
                    rule, message, fix = "V201", f"not a valid {column} code", (
                        f"use one of: {codes}")
                findings.append(Finding("error", rule, src, message, row=int(row),
                                        column=column, value=value, fix=fix))
    return findings
