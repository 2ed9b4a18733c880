"""Validation of loaded SSDA903 data: pandera schemas by collection year plus cross-table rules.

``validate(data)`` returns the ingest warnings recorded by the loader followed by every
schema and rule finding. Errors stop a build; warnings do not.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.errors import Finding
from cpanalytics.model import IDENTIFIER_COLUMNS, CareData
from cpanalytics.validation.rules import all_rules
from cpanalytics.validation.schemas import check_local, check_schemas


def rule_findings(data: CareData) -> list[Finding]:
    """Run every registered cross-table rule; one finding per offending row."""
    findings = []
    for code, rule in all_rules().items():
        hits = rule.func(data)
        for src, row, column, value in hits[["SRC_FILE", "SRC_ROW", "column", "value"]].itertuples(index=False):
            shown = None if column in IDENTIFIER_COLUMNS or pd.isna(value) else value
            findings.append(Finding(
                rule.severity, code, src, rule.message, row=int(row), column=column,
                value=shown, fix=rule.fix,
            ))
    return findings


def validate(data: CareData) -> list[Finding]:
    """Ingest findings, then schema findings (903 tables, local extracts), then rule findings."""
    return [
        *data.findings, *check_schemas(data.tables), *check_local(data.local),
        *rule_findings(data),
    ]


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error (which stops a build)."""
    return any(f.severity == "error" for f in findings)
