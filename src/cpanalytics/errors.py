"""User-facing errors and validation findings.

A ``UserError`` is a problem with the user's input or configuration. The CLI prints it
without a traceback and exits non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class UserError(Exception):
    """A problem the user can fix: names the file, row and column, what is wrong and how to fix it."""

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
        code: str = "E000",
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.fix = fix
        self.code = code

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        head = f"error {self.code}: "
        if where:
            head += ", ".join(where) + ": "
        text = head + self.problem
        if self.fix:
            text += f"\n  how to fix: {self.fix}"
        return text


@dataclass(frozen=True)
class Finding:
    """One validation result for one row (or one file) of the input.

    ``row`` is the 1-based line number in the file, counting the header as line 1. In an
    XML return ``record`` names the child, record and element (``CHILD 0042, EPISODE 2,
    DEC``) and ``position`` the element's 1-based column on line ``row``.
    """

    severity: str  # "error" or "warning"
    rule: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None
    record: str | None = None
    position: int | None = None

    def location(self) -> str:
        """``row 3, column DEC``; in XML ``CHILD 0042, EPISODE 2, DEC (line 2, column 845)``."""
        if self.record:
            return f"{self.record} (line {self.row}, column {self.position})"
        where = f"row {self.row}" if self.row is not None else ""
        return ", ".join(filter(None, (where, f"column {self.column}" if self.column else "")))

    def __str__(self) -> str:
        where = ", ".join(filter(None, (self.file, self.location())))
        val = f" (value {self.value!r})" if self.value not in (None, "") else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.severity} {self.rule}: {where}: {self.message}{val}.{fix}"
