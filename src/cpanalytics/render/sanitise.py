"""Make officers' narrative and config values safe to publish (see docs/data-protection.md).

Values from options and config (the LA name) are escaped as literal markdown text; pandoc
then escapes them for HTML and Typst. Narrative files are parsed by pandoc and rewritten:
raw HTML is cleaned by the ``nh3`` allow-list sanitiser, other raw markup (TeX, Typst) is
shown as typed, links with unsafe schemes lose their target, and attributes are
allow-listed. Include shortcodes and image paths must stay inside the narrative folder.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nh3

from cpanalytics.errors import UserError
from cpanalytics.render.subset import SHORTCODE

#: ASCII punctuation pandoc's markdown lets a backslash escape; quotes stay typographic.
MARKDOWN_SPECIAL = re.compile(r"""([!#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
#: Link schemes a published report may point to; anything else (javascript:, data:) is cut.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: Raw HTML tags kept: nh3's defaults without img (images must use checked markdown syntax).
HTML_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img"}
#: Attribute keys kept on markdown elements (callout title and options, image size, language).
SAFE_ATTRIBUTES = frozenset({"title", "alt", "width", "height", "lang", "dir", "icon",
                             "collapse", "appearance"})
#: Pandoc AST nodes carrying an Attr, and where it sits in the node's contents.
ATTR_AT = {"Code": 0, "CodeBlock": 0, "Header": 1, "Div": 0, "Span": 0, "Link": 0,
           "Image": 0, "Table": 0, "Figure": 0}
#: What a raw HTML node that cleans to nothing is replaced by: it is removed from its list.
DROP: dict[str, Any] = {"t": "Null"}
#: Shortcodes that read files: their path argument must stay inside the narrative folder.
FILE_SHORTCODES = frozenset({"include", "embed"})


def markdown_text(value: object) -> str:
    """``value`` as markdown that pandoc (and Quarto) read back as exactly that text."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def safe_url(url: str) -> bool:
    """True for relative URLs and the schemes in SAFE_SCHEMES (browsers ignore control
    characters and spaces inside a scheme, so they are removed before checking)."""
    m = SCHEME.match(re.sub(r"[\x00-\x20]", "", url))
    return m is None or m[1].lower() in SAFE_SCHEMES


def _refuse(problem: str, path: Path, fix: str, row: int | None = None) -> UserError:
    return UserError(problem, file=path, row=row, fix=fix, code="E714")


def _inside(target: str, base: str) -> bool:
    """``target`` (a project-relative POSIX path) normalised lies within folder ``base``."""
    norm = posixpath.normpath(target)
    return norm == base or norm.startswith(base + "/")


def check_narrative(folder: Path) -> None:
    """Refuse (E714) narrative that would publish files from outside ``folder``: a link to
    outside it, an include or embed that leaves it, or the env shortcode."""
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if not path.resolve().is_relative_to(root):
            raise _refuse(
                "this narrative file is a link to a file outside the narrative folder", path,
                "copy the file itself into the narrative folder instead of linking to it",
            )
        if path.suffix not in (".md", ".qmd") or not path.is_file():
            continue
        staged = "narrative/" + path.relative_to(folder).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in SHORTCODE.finditer(line):
                name, arg = m["name"], m["args"].strip().strip("\"'").partition("#")[0]
                if name == "env":
                    raise _refuse(
                        "the env shortcode would publish an environment variable of this "
                        "machine", path, "write the text into the narrative instead", number,
                    )
                target = arg.lstrip("/") if arg.startswith("/") else posixpath.join(
                    posixpath.dirname(staged), arg)
                if name in FILE_SHORTCODES and not (
                        _inside(target, "narrative") and target.endswith((".md", ".qmd"))):
                    raise _refuse(
                        f"{name} '{arg}' is not a .md file inside the narrative folder; "
                        "narrative may only include its own files", path,
                        "copy the text into a .md file in the narrative folder and include "
                        "it by its name, e.g. {{< include extra.md >}}", number,
                    )


def _attr(attr: list[Any]) -> list[Any]:
    """Allow-listed keys only; a title (a callout's is read as markdown) becomes plain text."""
    ident, classes, pairs = attr
    return [ident, classes, [[k, markdown_text(v) if k.lower() == "title" else v]
                             for k, v in pairs if k.lower() in SAFE_ATTRIBUTES]]


def _node(node: dict[str, Any], path: Path) -> dict[str, Any]:
    kind, c = node["t"], node.get("c")
    if kind in ("RawInline", "RawBlock"):
        fmt, text = c
        if fmt != "html":  # TeX or Typst written by an officer: print it as typed
            return {"t": "Str", "c": text} if kind == "RawInline" else {
                "t": "CodeBlock", "c": [["", [], []], text]}
        clean = nh3.clean(text, tags=set(HTML_TAGS), url_schemes=set(SAFE_SCHEMES))
        return {"t": kind, "c": ["html", clean]} if clean.strip() else DROP
    if kind in ATTR_AT:
        c[ATTR_AT[kind]] = _attr(c[ATTR_AT[kind]])
    if kind == "Link" and not safe_url(c[2][0]):
        return {"t": "Span", "c": [c[0], c[1]]}
    # pandoc reads a local image (to embed it) from the URL-decoded path
    if kind == "Image" and not (SCHEME.match(c[2][0]) is None
                                and _inside(unquote(c[2][0]), "narrative")):
        raise _refuse(
            f"image '{c[2][0]}' is not a file in the narrative folder", path,
            "put the image in the narrative folder and refer to it as narrative/<file name>",
        )
    return node


def _walk(value: Any, path: Path) -> Any:
    if isinstance(value, list):
        walked = (_walk(v, path) for v in value)
        return [v for v in walked if v is not DROP]
    if isinstance(value, dict):
        node = {k: _walk(v, path) for k, v in value.items()}
        return _node(node, path) if "t" in node else node
    return value


def _pandoc(text: str, path: Path, *args: str) -> str:
    import pypandoc

    done = subprocess.run([pypandoc.get_pandoc_path(), *args], input=text, capture_output=True,
                          text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        raise UserError(f"pandoc could not read this narrative: {done.stderr.strip()[-400:]}",
                        file=path, fix="check the markdown against docs/rendering.md",
                        code="E711")
    return done.stdout


def sanitise_narrative(path: Path, staged: Path) -> None:
    """Write narrative file ``path`` to ``staged`` so that it can publish no live markup."""
    shortcodes: dict[str, str] = {}

    def protect(m: re.Match[str]) -> str:
        key = f"CPANALYTICSSHORTCODE{len(shortcodes)}X"
        shortcodes[key] = m[0]
        return key

    text = SHORTCODE.sub(protect, path.read_text(encoding="utf-8"))
    ast = json.loads(_pandoc(text, path, "-f", "markdown-native_divs-native_spans", "-t", "json"))
    ast["blocks"] = _walk(ast["blocks"], path)
    markdown = _pandoc(json.dumps(ast), path, "-f", "json", "-t", "markdown", "--wrap=preserve")
    staged.write_text(re.sub(r"CPANALYTICSSHORTCODE\d+X", lambda m: shortcodes[m[0]], markdown),
                      encoding="utf-8")
