"""Cross-table validation rules, one per module, registered with :func:`rule`.

Each rule takes the loaded :class:`~cpanalytics.data.model.CareData` and returns the offending
rows as a frame with columns ``SRC_FILE``, ``SRC_ROW``, optionally ``column``/``value``
and, for rows from an XML return, ``SRC_XML`` (see :func:`offences`), in the way
``lac_validator``'s ``rule_definition`` registers rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cpanalytics.data.ingest import SRC_XML
from cpanalytics.data.model import SRC_FILE, SRC_ROW, CareData

RuleFunc = Callable[[CareData], pd.DataFrame]


@dataclass(frozen=True)
class Rule:
    """A registered cross-table rule: code, message, fix, severity and the check itself."""

    code: str
    message: str
    fix: str
    severity: str
    func: RuleFunc


REGISTRY: dict[str, Rule] = {}


def rule(code: str, message: str, fix: str, severity: str = "error") -> Callable[[RuleFunc], RuleFunc]:
    """Register the decorated function as validation rule ``code``."""

    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY[code] = Rule(code, message, fix, severity, func)
        return func

    return register


def offences(frame: pd.DataFrame, mask: pd.Series, column: str | None = None) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` holds: SRC_FILE, SRC_ROW, SRC_XML (if any), column and value."""
    kept = [c for c in (SRC_FILE, SRC_ROW, SRC_XML) if c in frame.columns]
    hits = frame.loc[mask.fillna(False).astype(bool), kept].copy()
    hits["column"] = column
    values = frame.loc[hits.index, column] if column else None
    if values is not None and pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%d/%m/%Y")
    hits["value"] = values.astype(str) if values is not None else None
    return hits


def all_offences(hits: list[pd.DataFrame]) -> pd.DataFrame:
    """The :func:`offences` of several tables as one frame (empty, with its columns, for none)."""
    if not hits:
        return pd.DataFrame(columns=[SRC_FILE, SRC_ROW, "column", "value"])
    return pd.concat(hits, ignore_index=True)


def age_at(dob: pd.Series, on: pd.Series) -> pd.Series:
    """Whole years of age on each date (birthday reached on the anniversary date)."""
    before_birthday = (on.dt.month < dob.dt.month) | (
        (on.dt.month == dob.dt.month) & (on.dt.day < dob.dt.day)
    )
    return on.dt.year - dob.dt.year - before_birthday.astype(int)


def in_header(data: CareData, child: pd.Series) -> pd.Series:
    """True where ``child`` has a header row (compared as objects: arrow ``isin`` is slow)."""
    return child.astype(object).isin(data.tables["header"]["CHILD"].astype(object))


def header_dob(data: CareData, child: pd.Series) -> pd.Series:
    """Each child's DOB from the header table (latest return), aligned to ``child``."""
    header = data.tables["header"].drop_duplicates("CHILD", keep="last")
    dob = header.set_index("CHILD")["DOB"].reindex(child.to_numpy())
    return pd.Series(dob.to_numpy(), index=child.index)


def all_rules() -> dict[str, Rule]:
    """Every rule, after importing each module of this package once."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(REGISTRY.items()))
