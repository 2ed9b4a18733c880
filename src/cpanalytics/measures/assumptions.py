"""The assumptions and caveats log: the judgements each measure makes where the data or the
DfE is silent (an indicator's ``assumptions`` name its entries).

The log ships with the package as ``resources/assumptions.md``, the one source:
``docs/assumptions.md`` is written from it by ``tools/make_indicator_docs.py``, so
``cpanalytics explain`` prints the same text an installed package cannot otherwise reach.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cpanalytics.about import RESOURCES

#: The log, as packaged.
LOG = RESOURCES / "assumptions.md"

_ANCHOR = re.compile(r'^<a id="([\w-]+)"></a>\n## (.+)$', re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """One entry of the log: its anchor, heading and rows (assumption, basis, quality, effect)."""

    anchor: str
    heading: str
    rows: tuple[dict[str, str], ...]


@functools.cache
def entries() -> dict[str, Entry]:
    """Every anchored entry of the log, by anchor, in the log's order."""
    text = LOG.read_text(encoding="utf-8")
    found = list(_ANCHOR.finditer(text))
    out = {}
    for match, following in zip(found, [*found[1:], None], strict=True):
        body = text[match.end():following.start() if following else len(text)].split("\n## ")[0]
        out[match.group(1)] = Entry(match.group(1), match.group(2).strip(), _rows(body))
    return out


def _rows(body: str) -> tuple[dict[str, str], ...]:
    """The rows of the Markdown table in an entry's body, as column -> text."""
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    if len(lines) < 2:
        return ()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return tuple(dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")),
                          strict=False)) for line in lines[2:])
