"""The public API explains itself: every function has its definition or parameters and an
example, and docs/api.md is generated from those docstrings (tools/make_api_docs.py)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from make_api_docs import API  # noqa: E402


def test_api_reference_is_current() -> None:
    done = subprocess.run([sys.executable, "tools/make_api_docs.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("where, name", API)
def test_every_public_function_documents_its_parameters_with_an_example(where: str, name: str) -> None:
    module, _, attribute = where.rpartition(".")
    function = getattr(importlib.import_module(module), attribute)
    space, _, short = name.rpartition(".")
    try:
        public = importlib.import_module(space)  # cpanalytics.indicators
    except ModuleNotFoundError:  # cpanalytics.cohorts: an attribute of the package
        public = getattr(importlib.import_module("cpanalytics"), space.rpartition(".")[2])
    assert getattr(public, short) is function, name  # the name users call it by
    doc = inspect.getdoc(function) or ""
    assert "Examples:\n    >>> " in doc, name
    parameters = [p for p in inspect.signature(function).parameters if p not in ("self",)]
    if parameters:
        assert "Args:" in doc, name
        for parameter in parameters:
            assert f"    {parameter}:" in doc, (name, parameter)
    assert "shared/spec" not in doc  # a file outside the repository


def test_the_reference_shows_each_function_by_its_public_name() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for _, name in API:
        assert f"## `{name.rpartition('.')[2]}`" in text
    assert "cpanalytics.measures.cohorts" not in text and ":func:" not in text
    assert "docs/data-contract.md" in text  # load_data names the contract that is in the repo
