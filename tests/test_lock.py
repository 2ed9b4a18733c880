"""The lock files pin every dependency that pyproject.toml and the Makefile ask for, at a
version those ask for (issue 16, "Reproducible set-up"). A failure here means: run `make lock`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def pins(lock: Path) -> dict[str, str]:
    """``name==version`` lines of a lock file, by canonical name."""
    found = (PIN.match(line) for line in lock.read_text(encoding="utf-8").splitlines())
    return {canonicalize_name(m[1]): m[2] for m in found if m}


def declared() -> list[Requirement]:
    """The package's dependencies and those of every extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(r) for r in [*project["dependencies"], *(r for e in extras for r in e)]]


def test_pins_parse_names_and_versions_only(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text("# via x\nPyYAML==6.0.2\n    # via cpanalytics\n"
                    "colorama==0.4.6 ; sys_platform == 'win32'\n", encoding="utf-8")
    assert pins(lock) == {"pyyaml": "6.0.2", "colorama": "0.4.6"}


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_dependency_is_pinned_within_its_range(requirement: Requirement) -> None:
    locked = pins(REPO / "requirements" / "lock.txt")
    version = locked.get(canonicalize_name(requirement.name))
    assert version is not None, f"{requirement.name} is not in requirements/lock.txt: run `make lock`"
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements/lock.txt pins {requirement.name}=={version}, outside {requirement}: run `make lock`")


def test_the_dfe_validator_is_pinned_within_the_makefiles_range() -> None:
    wanted = re.search(r"^DFE_REQ\s*:=\s*(\S+)", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert wanted is not None
    requirement = Requirement(wanted[1])
    version = pins(REPO / "requirements" / "dfe-lock.txt")[canonicalize_name(requirement.name)]
    assert requirement.specifier.contains(version)
