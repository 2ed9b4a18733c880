"""Validation of loaded SSDA903 data: pandera schemas by collection year plus cross-table rules.

``validate(data)`` returns the ingest warnings recorded by the loader and every schema and
rule finding, in file order (files as loaded, then by row and, in XML, column). Errors stop
a build; warnings do not.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.ingest import SRC_XML, where
from cpanalytics.data.model import IDENTIFIER_COLUMNS, CareData
from cpanalytics.data.validation.rules import all_rules
from cpanalytics.data.validation.schemas import check_local, check_schemas
from cpanalytics.errors import Finding


def rule_findings(data: CareData) -> list[Finding]:
    """Run every registered cross-table rule; one finding per offending row."""
    findings = []
    for code, rule in all_rules().items():
        hits = rule.func(data)
        places = hits[SRC_XML] if SRC_XML in hits.columns else pd.Series(None, index=hits.index)
        for src, row, column, value, place in zip(
                hits["SRC_FILE"], hits["SRC_ROW"], hits["column"], hits["value"], places, strict=True):
            shown = None if column in IDENTIFIER_COLUMNS or pd.isna(value) else value
            findings.append(Finding(
                rule.severity, code, src, rule.message, column=column, value=shown,
                fix=rule.fix, **where(row, column, place),
            ))
    return findings


def in_file_order(findings: list[Finding], data: CareData) -> list[Finding]:
    """Findings by file (in the order the files were loaded), then row, then XML column."""
    rank = {str(s.path): n for n, s in enumerate(data.sources)}
    return sorted(findings, key=lambda f: (
        rank.get(f.file, len(rank)), f.file, f.row or 0, f.position or 0))


def validate(data: CareData) -> list[Finding]:
    """Ingest, schema (903 tables, local extracts) and rule findings, :func:`in_file_order`."""
    return in_file_order([
        *data.findings, *check_schemas(data.tables), *check_local(data.local),
        *rule_findings(data),
    ], data)


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error (which stops a build)."""
    return any(f.severity == "error" for f in findings)
