"""Configuration files a council supplies (targets, areas, comparators): found and read safely.

A council's files sit in the ``config/`` folder of its data root and of its project folder
(``cpanalytics init``); the project's win (:func:`config_roots`).

YAML is parsed with the safe loader, refusing oversized files, deep nesting and alias bombs
(E328, E329), with the 1-based line of each key kept for located messages.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast, overload

import yaml

from cpanalytics.about import RESOURCES
from cpanalytics.errors import UserError

#: The packaged defaults (targets, comparators, areas, NTS thresholds from the seed packs).
PACKAGED = RESOURCES / "config"

#: A folder whose ``config/`` overrides the packaged defaults, or several, the last winning.
Roots = str | Path | Sequence[str | Path] | None

#: Limits on a YAML configuration file: its size, and the values its aliases expand to.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_VALUES = 100_000
#: Deepest nesting of lists and mappings a configuration file may have (E329).
MAX_YAML_DEPTH = 64

_T = TypeVar("_T")


def config_roots(roots: Roots) -> list[Path]:
    """The folders whose ``config/`` overrides the packaged defaults, lowest precedence first:
    the data root, then the council's project folder (docs/architecture.md, "Project folder")."""
    if roots is None:
        return []
    if isinstance(roots, str | Path):
        return [Path(roots)]
    return [Path(r) for r in roots]


def council_file(roots: Roots, name: str) -> Path | None:
    """``config/<name>`` of the last of ``roots`` that has it (the project's before the data
    root's), or ``None``."""
    found = [r / "config" / name for r in config_roots(roots) if (r / "config" / name).is_file()]
    return found[-1] if found else None


def per_file_version(read: Callable[[Path], _T]) -> Callable[[Path], _T]:
    """``read`` once per version of a file (path, modification time and size); callers
    share the result and must not change it."""

    @functools.lru_cache(maxsize=32)
    def cached(path: Path, mtime_ns: int, size: int) -> _T:
        return read(path)

    @functools.wraps(read)
    def wrapper(path: Path) -> _T:
        stat = path.stat()
        return cached(path, stat.st_mtime_ns, stat.st_size)

    return wrapper


@per_file_version
def read_yaml(path: Path) -> dict:
    """Parse a YAML mapping, turning syntax errors into a located UserError (E320); files
    over ``MAX_YAML_BYTES`` or aliases that loop or expand too far are refused (E328, E329)."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise UserError(
            f"the file is {size:,} bytes; a configuration file may be at most {MAX_YAML_BYTES:,}",
            file=path, code="E329", fix="check that this is the right file: targets and areas take a few kB",
        )
    try:
        text = path.read_text(encoding="utf-8")
        _check_aliases(text, path)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise UserError(
            f"not valid YAML: {exc.problem}{where}",
            file=path, row=mark.line + 1 if mark else None, code="E320",
            fix="check indentation (spaces, not tabs) and the 'key: value' form near that line",
        ) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise UserError("the file must be a mapping of sections", file=path,
                        row=node.start_mark.line + 1, code="E320",
                        fix="start with 'targets:' followed by indented indicator ids")
    return _with_lines(node)


def _check_aliases(text: str, path: Path) -> None:
    """Refuse an alias inside its own anchor (E328) and aliases that expand to more than
    ``MAX_YAML_VALUES`` values (E329, an "alias bomb"), from the events: nothing is expanded."""
    sizes: dict[str | None, int] = {}  # anchor -> values it expands to
    open_: list[list[Any]] = [[None, 0]]  # [anchor, values so far] of each open collection
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([event.anchor, 1])
            if len(open_) > MAX_YAML_DEPTH:
                raise UserError(
                    f"the file nests lists or mappings more than {MAX_YAML_DEPTH} deep", file=path,
                    row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E329",
                    fix="check that this is the right file: targets and areas nest three or four levels",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = open_.pop()
            sizes[anchor] = count
            open_[-1][1] += count
        elif isinstance(event, yaml.ScalarEvent):
            sizes[event.anchor] = 1
            open_[-1][1] += 1
        elif isinstance(event, yaml.AliasEvent) and event.anchor in sizes:
            open_[-1][1] += sizes[event.anchor]
        elif isinstance(event, yaml.AliasEvent) and any(a == event.anchor for a, _ in open_):
            raise UserError(
                f"the alias *{event.anchor} is inside its own anchor &{event.anchor}: "
                "the value would contain itself for ever", file=path,
                # the parser sets every event's start mark; the stubs allow None
                row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E328",
                fix=f"write the value out instead of *{event.anchor}, or use an anchor defined "
                    "before and outside this entry",
            )  # an alias to no anchor at all: yaml.compose reports it (E320)
        if sum(values for _, values in open_) > MAX_YAML_VALUES:
            raise UserError(
                f"the aliases (*name) in this file expand to more than {MAX_YAML_VALUES:,} values "
                "(an alias bomb?)", file=path,
                row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E329",
                fix="write the settings out; aliases are for sharing a few settings between entries",
            )


class Lined(dict):
    """A mapping that remembers the 1-based line of each key."""

    lines: dict


@overload
def _with_lines(node: yaml.MappingNode) -> Lined: ...
@overload
def _with_lines(node: yaml.Node) -> object: ...
def _with_lines(node: yaml.Node) -> object:
    """Construct plain Python values from a YAML node, keeping key lines on mappings."""
    if isinstance(node, yaml.MappingNode):
        out = Lined()
        out.lines = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(" ").construct_object(key_node)
            out[key] = _with_lines(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_with_lines(v) for v in node.value]
    return yaml.SafeLoader(" ").construct_object(node)


def line(mapping: object, key: object) -> int | None:
    """The 1-based line of ``key`` in a mapping read by :func:`read_yaml` (None if unknown)."""
    return getattr(mapping, "lines", {}).get(key)


def number(value: object, path: Path, row: int | None, column: str) -> float | None:
    """A target value as a float (``10``, ``10%`` and ``"10.0"`` all read as 10.0); null -> None."""
    if value is None:
        return None
    text = str(value).strip().rstrip("%").replace(",", "")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise UserError(
            f"{value!r} is not a number", file=path, row=row, column=column, code="E322",
            fix="write a plain number in the indicator's unit, e.g. 'target: 85' for 85%",
        )
    return number
