"""SSDA903 code lists keyed by collection year (year ending 31 March).

One declarative file per year, ``cpanalytics/codelists/<YYYY>.yaml``, holds every coded
column's full list, so ``diff 2024.yaml 2025.yaml`` shows what a year changed. The lists
follow the DfE SSDA903 guidance and the DfE validator's code-list rules (``lac_validator``:
101 SEX, 143 RNE, 146 PLACE, 149 REC, 132 ACTIV ...); tests/test_codelists.py checks them
against the validator's rules for every year it has a ruleset.
"""

from __future__ import annotations

from importlib.resources import files

import yaml

#: libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load() -> dict[str, dict[int, frozenset[str]]]:
    """Column -> collection year -> codes, from the packaged yaml files."""
    out: dict[str, dict[int, frozenset[str]]] = {}
    for path in sorted(files("cpanalytics.data").joinpath("codelists").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        year = int(path.name.removesuffix(".yaml"))
        for column, codes in yaml.load(path.read_text(), Loader=_LOADER).items():
            out.setdefault(column, {})[year] = frozenset(str(c) for c in codes)
    return out


#: Column -> collection year -> valid codes, one entry per yaml file.
CODE_LISTS: dict[str, dict[int, frozenset[str]]] = _load()
#: The first and last collection years with a code-list file; earlier or later years use
#: the nearest one.
FIRST_YEAR = min(min(years) for years in CODE_LISTS.values())
LAST_YEAR = max(max(years) for years in CODE_LISTS.values())

#: Code lists of the local extracts (data contract, "Local extracts"); not year-dependent.
LOCAL_CODE_LISTS: dict[str, frozenset[str]] = {
    "TYPE": frozenset({"IHA", "RHA", "DENTAL"}),
    "BREACH_BY": frozenset({"LA", "HEALTH"}),
    "STAGE": frozenset({"DR1", "DR2", "DR3"}),
    "GRADE": frozenset({"OUTSTANDING", "GOOD", "RI", "INADEQUATE"}),
}


def valid_codes(column: str, year: int) -> frozenset[str]:
    """The codes valid for ``column`` in collection year ``year`` (empty if not a coded column)."""
    return CODE_LISTS.get(column, {}).get(min(max(year, FIRST_YEAR), LAST_YEAR), frozenset())


def all_codes(column: str) -> frozenset[str]:
    """Every code ever valid for ``column``, in any collection year."""
    return frozenset().union(*CODE_LISTS.get(column, {}).values())


def years_valid(column: str, code: str) -> str:
    """Human-readable years in which ``code`` is valid for ``column``, e.g. '2025 onwards'."""
    years = sorted(y for y, codes in CODE_LISTS.get(column, {}).items() if code in codes)
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = []
    for run in runs:
        first, last = run[0], run[-1]
        if first == FIRST_YEAR and last == LAST_YEAR:
            parts.append("every year")
        elif first == FIRST_YEAR:
            parts.append(f"up to {last}")
        elif last == LAST_YEAR:
            parts.append(f"{first} onwards")
        else:
            parts.append(f"{first} to {last}")
    return ", ".join(parts) or "no year"
