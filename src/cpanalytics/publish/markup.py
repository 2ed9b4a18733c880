"""Text from data, config or options made inert where it is published: literal markdown
for the reports, and CSV cells no spreadsheet reads as a formula (docs/data-protection.md)."""

from __future__ import annotations

import re

#: ASCII punctuation pandoc's markdown lets a backslash escape; quotes stay typographic.
MARKDOWN_SPECIAL = re.compile(r"""([!#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A published number (``-5``, ``+1,234``, ``-12.5%``, ``-3 [p]``) or the ``-`` placeholder.
NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?( \[p\])?|-")


def markdown_text(value: object) -> str:
    """``value`` as markdown that pandoc (and Quarto) read back as exactly that text."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def csv_text(value: object) -> object:
    """A CSV cell no spreadsheet reads as a formula: text starting with = + - @, a tab or a
    carriage return gets a leading ``'``, unless it is a number; other values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value
