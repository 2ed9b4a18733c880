"""Make officers' narrative and config values safe to publish (see docs/data-protection.md).

Values from options and config (the LA name) are escaped as literal markdown text; pandoc
then escapes them for HTML and Typst. Narrative files are parsed by pandoc and rewritten:
raw HTML is cleaned by the ``nh3`` allow-list sanitiser, other raw markup (TeX, Typst) is
shown as typed, links with unsafe schemes lose their target, and attributes are
allow-listed. Include shortcodes and image paths must stay inside the narrative folder.
The staged notebooks' markdown outputs are checked again (:func:`sanitise_outputs`).
"""

from __future__ import annotations

import json
import posixpath
import re
import secrets
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nh3

from cpanalytics.errors import UserError
from cpanalytics.publish.markup import markdown_text
from cpanalytics.render.subset import SHORTCODE

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
#: How narrative and notebook markdown is read: raw ``<div>`` and ``<span>`` stay raw HTML.
READER = "markdown-native_divs-native_spans"
#: How a rewritten output is written: tables stay pipe tables, as the built-in engine expects.
TABLES_AS_PIPES = "markdown-simple_tables-multiline_tables-grid_tables"


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
        text = path.read_text(encoding="utf-8")
        # the whole text, as sanitise_narrative protects it: a shortcode may span lines
        for m in SHORTCODE.finditer(text):
            name, arg = m["name"], m["args"].strip().strip("\"'").partition("#")[0]
            number = text.count("\n", 0, m.start()) + 1
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
    kind = node["t"]
    c: Any = node.get("c")  # shape depends on the node type (pandoc JSON AST)
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


def _output_node(node: dict[str, Any]) -> dict[str, Any]:
    """A node of a notebook's markdown output, where the build writes only text: raw markup
    becomes its words, attributes are allow-listed, an unsafe link or an image keeps its text."""
    kind = node["t"]
    c: Any = node.get("c")  # shape depends on the node type (pandoc JSON AST)
    if kind in ("RawInline", "RawBlock"):
        words = [x for w in c[1].split() for x in ({"t": "Space"}, {"t": "Str", "c": w})][1:]
        return {"t": "Span", "c": [["", [], []], words]} if kind == "RawInline" else {
            "t": "Para", "c": words}
    if kind in ATTR_AT:
        c[ATTR_AT[kind]] = _attr(c[ATTR_AT[kind]])
    if kind == "Image" or (kind == "Link" and not safe_url(c[2][0])):
        return {"t": "Span", "c": [c[0], c[1]]}
    return node


def _walk(value: Any, visit: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """``value`` (a pandoc JSON AST) rebuilt bottom up with each node replaced by ``visit``."""
    if isinstance(value, list):
        walked = (_walk(v, visit) for v in value)
        return [v for v in walked if v is not DROP]
    if isinstance(value, dict):
        node = {k: _walk(v, visit) for k, v in value.items()}
        return visit(node) if "t" in node else node
    return value


def _pandoc(text: str, path: Path, *args: str) -> str:
    import pypandoc

    done = subprocess.run([pypandoc.get_pandoc_path(), *args], input=text, capture_output=True,
                          text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        raise UserError(f"pandoc could not read this file: {done.stderr.strip()[-400:]}",
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
    ast = json.loads(_pandoc(text, path, "-f", READER, "-t", "json"))
    ast["blocks"] = _walk(ast["blocks"], lambda node: _node(node, path))
    markdown = _pandoc(json.dumps(ast), path, "-f", "json", "-t", "markdown", "--wrap=preserve")
    staged.write_text(re.sub(r"CPANALYTICSSHORTCODE\d+X", lambda m: shortcodes[m[0]], markdown),
                      encoding="utf-8")


def sanitise_outputs(notebook: Path) -> None:
    """Rewrite each markdown output of staged ``notebook`` that holds raw markup, an unsafe
    link or an image (:func:`_output_node`); outputs of plain text are left as they are.

    A second guard: the tables escape values from the data where they are made.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    outputs = [o["data"] for cell in nb.get("cells", []) for o in cell.get("outputs", [])
               if "text/markdown" in o.get("data", {})]
    if not outputs:
        return
    texts = ["".join(d["text/markdown"]) for d in outputs]  # a string or a list of lines
    # one pandoc run per notebook, each output followed by a mark no notebook can contain
    marks = [f"CPANALYTICS{secrets.token_hex(8)}" for _ in texts]
    joined = "".join(f"{t}\n\n{m}\n\n" for t, m in zip(texts, marks, strict=True))
    doc = json.loads(_pandoc(joined, notebook, "-f", READER, "-t", "json"))
    chunks: list[list[Any]] = []
    start = 0
    for i, block in enumerate(doc["blocks"]):
        if len(chunks) < len(marks) and block == {"t": "Para", "c": [
                {"t": "Str", "c": marks[len(chunks)]}]}:
            chunks.append(doc["blocks"][start:i])
            start = i + 1
    docs = [doc] * len(texts)
    if len(chunks) < len(texts) or doc["meta"]:  # a block left open, or YAML: one at a time
        docs = [json.loads(_pandoc(t, notebook, "-f", READER, "-t", "json")) for t in texts]
        chunks = [d["blocks"] for d in docs]
    changed = False
    for data, chunk, own in zip(outputs, chunks, docs, strict=True):
        clean = _walk(chunk, _output_node)
        if clean != chunk or own["meta"]:  # rewritten without its YAML (header-includes)
            data["text/markdown"] = _pandoc(json.dumps({**own, "blocks": clean}), notebook,
                                            "-f", "json", "-t", TABLES_AS_PIPES, "--wrap=none")
            changed = True
    if changed:
        notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
