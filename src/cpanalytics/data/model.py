"""The loaded data: every SSDA903 table and local extract as typed pandas DataFrames.

Column names follow the DfE SSDA903 specification (as in ``lac_validator.config``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from cpanalytics.errors import Finding

#: SSDA903 tables: file stem -> DfE columns, in the order of the data contract.
TABLES_903: dict[str, list[str]] = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": [
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "oc2": [
        "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
        "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": [
        "CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    "placed_for_adoption": [
        "CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED",
    ],
    "previous_permanence": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}

#: Tables every collection year must have.
REQUIRED_903 = ("header", "episodes")

#: Optional local extracts (``local/<name>.csv``): name -> columns.
LOCAL_EXTRACTS: dict[str, list[str]] = {
    "health_assessments": [
        "CHILD", "TYPE", "DATE_REQUESTED", "DATE_COMPLETED", "PROVIDER", "DELAY_REASON",
        "BREACH_BY",
    ],
    "child_attributes": ["CHILD", "NATIONALITY", "DISTRICT", "DISABILITY"],
    "iro_allocations": ["CHILD", "IRO_ID", "START", "END"],
    "iro_staff": ["IRO_ID", "FTE", "START", "END"],
    "iro_escalations": [
        "DR_ID", "CHILD", "DATE_RAISED", "STAGE", "CATEGORY", "DATE_RESOLVED",
    ],
    "care_plan_qa": ["CHILD", "DATE", "GRADE"],
    "population": ["YEAR", "AGE_0_17"],
    "comparators": ["INDICATOR", "YEAR", "AREA", "VALUE"],
}

#: Columns that hold dates (parsed from dd/mm/YYYY), across all tables.
DATE_COLUMNS = frozenset({
    "DOB", "MC_DOB", "DECOM", "DEC", "DUC", "REVIEW", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
    "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "DATE_REQUESTED",
    "DATE_COMPLETED", "START", "END", "DATE_RAISED", "DATE_RESOLVED", "DATE",
})

#: Columns that identify a child or locate them: never published.
IDENTIFIER_COLUMNS = frozenset({"CHILD", "UPN", "DOB", "MC_DOB", "HOME_POST", "PL_POST"})

#: Bookkeeping columns added by the loader to every 903 row.
YEAR = "YEAR"  # collection year (ending 31 March) of the return the row came from
SRC_FILE = "SRC_FILE"  # path of the file the row came from
SRC_ROW = "SRC_ROW"  # 1-based line number in that file (header is line 1)
STITCH_RULE = "STITCH_RULE"  # episodes only: which stitching rule touched the row


@dataclass(frozen=True)
class SourceFile:
    """One input file as read: its table, collection year, row count and content hash."""

    path: Path
    table: str
    year: int | None
    rows: int
    sha256: str


class Stored(Protocol):
    """Where a loaded data set is cached (``cpanalytics.data.store.Entry``): tables derived
    from it are kept beside it, under the version of the code that derived them."""

    def frames(self, name: str, version: str) -> dict[str, pd.DataFrame] | None: ...

    def put(self, name: str, version: str, frames: dict[str, pd.DataFrame]) -> None: ...


@dataclass
class CareData:
    """Every SSDA903 table (stitched across years) and every local extract present.

    903 tables are always present (possibly empty, with their columns). Local extracts
    are present only when the file was supplied; use :meth:`has`.
    """

    tables: dict[str, pd.DataFrame]
    local: dict[str, pd.DataFrame] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    root: Path | None = None
    la_code: str | None = None
    #: The council's project folder (``cpanalytics init``), whose ``config/`` overrides the
    #: data root's; ``None`` outside a project.
    project: Path | None = None
    #: Derived tables computed once per loaded data set (see ``cpanalytics.measures.derive``).
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    #: The loaded-data cache entry this came from or went to (None when loaded uncached).
    stored: Stored | None = field(default=None, repr=False, compare=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        local = self.__dict__.get("local", {})
        if name in local:
            return local[name]
        raise AttributeError(name)

    @property
    def config_roots(self) -> list[Path]:
        """The folders whose ``config/`` overrides the packaged settings, the last winning:
        the data root, then the project folder (``cpanalytics.data.settings.config_roots``)."""
        return [p for p in (self.root, self.project) if p is not None]

    def has(self, extract: str) -> bool:
        """True when the local extract (or 903 table) was supplied."""
        return extract in self.local or (
            extract in self.tables and not self.tables[extract].empty
        )
