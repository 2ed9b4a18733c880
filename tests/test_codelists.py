"""The per-year SSDA903 code lists (cpanalytics/data/codelists/<YYYY>.yaml) against the DfE."""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from cpanalytics.data.codes import CODE_LISTS, all_codes, valid_codes, years_valid

DFE_PYTHON = Path(__file__).resolve().parents[1] / ".venv-dfe" / "bin" / "python"

# Runs under the validator's environment: for each ruleset, the code list each code-list rule
# accepts. A code-list rule is one whose message says a code is invalid / not valid and whose
# only affected field is the column that its list literal is tested against with .isin(...).
DFE_CODE_LISTS = r"""
import ast, importlib, inspect, json, re, sys, textwrap

def column_of(expr):
    while True:
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
            return expr.slice.value
        if isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, (ast.Attribute, ast.Subscript)):
            expr = expr.value
        else:
            return None

def code_lists(func):
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    names = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
             and isinstance(n.value, (ast.List, ast.Set, ast.Tuple))
             for t in n.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "isin" and node.args):
            arg = node.args[0]
            arg = names.get(arg.id, arg) if isinstance(arg, ast.Name) else arg
            if isinstance(arg, (ast.List, ast.Set, ast.Tuple)):
                yield column_of(node.func.value), [str(e.value) for e in arg.elts]

INVALID = re.compile(r"invalid|not (a )?valid", re.I)
out = {}
for ruleset in sys.argv[1:]:
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    for code, rule in registry.items():
        if INVALID.search(rule.message or "") and len(rule.affected_fields or ()) == 1:
            for column, codes in code_lists(rule.func):
                if column == rule.affected_fields[0]:
                    out.setdefault(ruleset, {})[column] = [code, sorted(codes)]
print(json.dumps(out))
"""

#: Collection year -> the validator's ruleset for it.
RULESETS = {2023: "lac2022_23", 2024: "lac2023_24", 2025: "lac2024_25", 2026: "lac2025_26",
            2027: "lac2026_27"}

#: Deliberate differences: (year, column) -> (codes only we accept, codes only the
#: validator accepts, why).
DIFFERENCES = {
    (2025, "PLACE"): (
        {"K3", "Z11", "Z12", "Z13", "Z14"}, {"k3"},
        "lac2024_25 rule 146 spells supported accommodation 'k3' and then upper-cases the data, "
        "so it rejects every K3 (tools/dfe_allowlist.csv, rule 146). Z11-Z14: the data contract "
        "(and issue 12) has them from 2024/25, the validator only from lac2025_26; 2024/25 is "
        "a transition year in which we accept Z1 and Z11-Z14 rather than reject a return.",
    ),
}


@pytest.mark.dfe
@pytest.mark.skipif(not DFE_PYTHON.exists(), reason="needs the DfE validator env .venv-dfe")
def test_code_lists_match_the_dfe_validator_rules():
    done = subprocess.run([str(DFE_PYTHON), "-c", DFE_CODE_LISTS, *RULESETS.values()],
                          capture_output=True, text=True, check=True, timeout=300)
    theirs = json.loads(done.stdout)
    compared = 0
    for year, ruleset in RULESETS.items():
        assert set(theirs[ruleset]) & set(CODE_LISTS) >= {"SEX", "RNE", "PLACE", "REC", "ACTIV"}
        for column, (rule, codes) in theirs[ruleset].items():
            if column not in CODE_LISTS:
                continue
            ours = valid_codes(column, year)
            only_ours, only_theirs, _why = DIFFERENCES.get((year, column), (set(), set(), ""))
            assert (ours - set(codes), set(codes) - ours) == (only_ours, only_theirs), (
                f"{column} {year}: rule {rule} of {ruleset}")
            compared += 1
    assert compared >= 5 * 20


def test_one_full_file_per_collection_year():
    names = sorted(p.name for p in files("cpanalytics.data").joinpath("codelists").iterdir())
    assert names == [f"{y}.yaml" for y in range(2014, 2028)]
    assert all(set(years) == set(range(2014, 2028)) for years in CODE_LISTS.values())


def test_sgo_codes_change_in_2020_21():
    # SGOs were E43/E44, then E45-E48 (lac_validator rules 149, 407). The switch year rests
    # on the DfE beta validator for 2020/21 returns (August 2021), which lists only E45-E48,
    # and liia-tools' 2016/17 schemas, which list only E43/E44; lac_validator's own rulesets
    # begin at 2022/23 (docs/assumptions.md#code-lists).
    assert {"E43", "E44"} <= valid_codes("REC", 2020)
    assert not {"E45", "E46", "E47", "E48"} & valid_codes("REC", 2020)
    assert {"E45", "E46", "E47", "E48"} <= valid_codes("REC", 2021)
    assert not {"E43", "E44"} & valid_codes("REC", 2021)
    assert "E41" in valid_codes("REC", 2014) and "E41" in valid_codes("REC", 2027)
    assert years_valid("REC", "E43") == "up to 2020"
    assert years_valid("REC", "E46") == "2021 onwards"


def test_oc3_activity_codes_change_in_2021_22():
    # DfE rule 132: F3/P3 (training or employment) became F4/P4 and F5/P5 in 2021/22.
    assert {"F3", "P3"} <= valid_codes("ACTIV", 2021)
    assert {"F4", "P4", "F5", "P5"} & valid_codes("ACTIV", 2021) == set()
    assert valid_codes("ACTIV", 2022) == {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5",
                                          "G4", "G5", "G6", "0"}


def test_placement_and_sex_codes_change_in_2024_25():
    # DfE rules 146 and 101: K3 from 2024/25, H5/P2/Z1 gone in 2025/26; SEX M/F/U from 2024/25.
    assert {"H5", "P2", "Z1"} <= valid_codes("PLACE", 2024) and "K3" not in valid_codes("PLACE", 2024)
    assert {"H5", "P2", "Z1", "K3", "Z11"} <= valid_codes("PLACE", 2025)
    assert not {"H5", "P2", "Z1"} & valid_codes("PLACE", 2026)
    assert years_valid("PLACE", "H5") == "up to 2025"
    assert valid_codes("SEX", 2024) == {"1", "2"} and valid_codes("SEX", 2025) == {"M", "F", "U"}


def test_years_outside_the_files_use_the_nearest_year():
    assert valid_codes("REC", 2010) == valid_codes("REC", 2014)
    assert valid_codes("PLACE", 2030) == valid_codes("PLACE", 2027)
    assert valid_codes("NOT_A_COLUMN", 2020) == frozenset()
    assert years_valid("LS", "C1") == "every year"
    assert years_valid("REC", "E99") == "no year"
    assert all_codes("SEX") == {"1", "2", "M", "F", "U"}
