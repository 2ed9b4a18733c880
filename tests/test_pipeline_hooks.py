"""Real data never enters git: the pre-commit hook, and notebooks committed without outputs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_no_child_data", REPO / "tools" / "check_no_child_data.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plant(path: str, text: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)
    return path


def test_hook_refuses_a_child_level_csv_outside_synthetic(repo, capsys):
    bad = plant("data/kent/903/2025/header.csv", "CHILD,SEX,DOB\n123456,1,01/02/2010\n")
    assert hook.main([bad]) == 1
    assert "data/kent/903/2025/header.csv: looks like child-level SSDA903 data" in capsys.readouterr().err


@pytest.mark.parametrize(("path", "text", "refused"), [
    ("data/synthetic/903/2025/header.csv", "CHILD,SEX,DOB\n123456,1,01/02/2010\n", False),
    ("exports/episodes.csv", "child;decom;rne\n1;01/01/2020;S\n", True),  # any case, ; separated
    ("exports/extract.tsv", "UPN\tDOB\tNAME\nA1\t01/01/2010\tx\n", True),  # two identifiers
    ("exports/dob_counts.csv", "DOB,count\n2010,5\n", False),  # one identifier alone: aggregate
    ("tables/tbl-cic-profile.csv", "age band,children\nUnder 1,12\n", False),
    ("returns/2025.xml", "<Message><CHILD><HEADER><CHILDID>1</CHILDID></HEADER></CHILD></Message>", True),
])
def test_hook_decides_by_header(repo, path, text, refused):
    assert hook.refused([plant(path, text)]) == ([path] if refused else [])


def test_hook_reads_spreadsheets_and_honours_allow(repo):
    Path("local").mkdir()
    pd.DataFrame({"Child": ["123456"], "Provider": ["A"]}).to_excel("local/iha.xlsx", index=False)
    assert hook.main(["local/iha.xlsx"]) == 1
    assert hook.main(["--allow", "local/", "local/iha.xlsx"]) == 0


def test_pre_commit_config_runs_nbstripout_and_the_hook():
    hooks = {h["id"]: h for r in yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())["repos"]
             for h in r["hooks"]}
    assert hooks["nbstripout"]["types"] == ["jupyter"]
    assert hooks["no-child-level-data"]["entry"] == "python tools/check_no_child_data.py"


NOTEBOOKS = sorted((REPO / "src" / "cpanalytics" / "resources" / "notebooks").glob("*.ipynb")) + sorted((REPO / "tests" / "fixtures" / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_notebooks_have_no_outputs(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    assert [c.get("outputs") for c in cells] == [[]] * len(cells)
    assert [c.get("execution_count") for c in cells] == [None] * len(cells)


def test_the_packaged_notebooks_are_among_those_checked():
    packaged = {p.name for p in NOTEBOOKS if "resources" in p.parts}
    assert {"children_in_care.ipynb", "scorecard.ipynb", "cookbook.ipynb", "adhoc_template.ipynb"} <= packaged
