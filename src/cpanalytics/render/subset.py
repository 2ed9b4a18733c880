"""The supported Quarto subset: expand a staged ``.qmd`` into plain pandoc markdown.

Supports front matter, ``{{< include >}}``, ``{{< embed nb.ipynb#label >}}`` (stored
outputs), ``{{< var >}}``, ``{{< meta >}}``, ``@fig-``/``@tbl-`` cross-references and
callouts (see docs/rendering.md). Anything else raises a UserError naming file and line.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from cpanalytics.errors import UserError

SHORTCODE = re.compile(r"\{\{<\s*(?P<name>[\w-]+)(?P<args>[^>]*?)\s*>\}\}")
STANDALONE = re.compile(r"^\s*\{\{<\s*(?P<name>include|embed)\s+(?P<arg>\S+)\s*>\}\}\s*$")
DIV_OPEN = re.compile(r"^(?P<colons>:{3,})\s*(?P<attrs>\{.*\}|[\w-]+)\s*$")
DIV_CLOSE = re.compile(r"^:{3,}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
ATTR = re.compile(r'(?P<cls>\.[\w-]+)|(?P<id>#[\w-]+)|(?P<key>[\w-]+)=(?P<val>"(?:[^"\\]|\\.)*"|\S+)')
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
XREF = re.compile(r"(?<![\w@])@(?P<kind>[Ff]ig|[Tt]bl|sec|eq|lst|thm)-(?P<name>[\w-]*\w)")

#: Cell options (``#|`` lines) the built-in engine understands on embedded cells.
CELL_OPTIONS = frozenset({"label", "echo", "fig-cap", "fig-alt", "tbl-cap"})
#: Quarto callout types.
CALLOUT_TYPES = ("note", "warning", "important", "tip", "caution")
CALLOUT_KEYS = frozenset({"title"})
#: The colour Quarto's Typst callouts pass as ``icon_color`` for each kind (the house
#: template's ``callout`` maps it to the house palette), so both engines call it alike.
CALLOUT_COLOURS = {"note": "#0758E5", "warning": "#EB9113", "important": "#CC1914",
                   "tip": "#00A047", "caution": "#FC5300"}
MAX_INCLUDE_DEPTH = 8
#: The house style: a Quarto custom format extension inside the staged project.
EXTENSION = Path("_extensions") / "cpanalytics"
#: The fences of the block holding a table and its symbols note (``tables.table_markdown``),
#: passed through to pandoc as they are.
NOTE_FENCE = re.compile(r":::(?: \{#note-[\w-]+\})?")


@dataclass(frozen=True)
class Line:
    """One markdown line with where it came from; ``raw`` lines are generated, not checked."""

    text: str
    file: Path
    number: int
    raw: bool = False


@dataclass
class Expanded:
    """A document expanded to pandoc markdown, with its images and cross-reference labels."""

    markdown: str
    metadata: dict[str, Any]
    images: dict[str, bytes] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    alts: dict[str, str] = field(default_factory=dict)


def _error(problem: str, line: Line, fix: str, code: str) -> UserError:
    return UserError(problem, file=line.file, row=line.number, fix=fix, code=code)


def split_front_matter(path: Path) -> tuple[dict[str, Any], list[Line]]:
    """Read a .qmd/.md file: its YAML front matter (if any) and its body lines, numbered from 1."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                try:
                    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
                except yaml.YAMLError as exc:
                    raise UserError(
                        f"invalid YAML front matter: {exc}", file=path, row=1,
                        fix="correct the YAML between the --- lines", code="E707",
                    ) from exc
                body = [Line(t, path, i + 1) for i, t in enumerate(lines) if i > end]
                return meta, body
    return {}, [Line(t, path, i + 1) for i, t in enumerate(lines)]


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a file, or {} when the file is absent."""
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def format_options(formats: Any, to: str) -> dict[str, Any]:
    """The options a ``format:`` mapping gives base format ``to``: ``common``, ``to``, then the
    house format ``cpanalytics-<to>`` (a value such as ``default`` gives none)."""
    merged: dict[str, Any] = {}
    for key in ("common", to, f"{EXTENSION.name}-{to}"):
        value = formats.get(key) if isinstance(formats, dict) else None
        merged.update(value if isinstance(value, dict) else {})
    return merged


def document_metadata(
    project: dict[str, Any], front: dict[str, Any], to: str, extension: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Quarto's merge: the extension's format options (``contributes.formats``), project
    metadata, project ``format`` options, front matter, then its ``format`` options."""
    merged = format_options(extension or {}, to)
    merged.update({k: v for k, v in project.items() if k not in ("project", "format")})
    merged.update(format_options(project.get("format"), to))
    merged.update({k: v for k, v in front.items() if k != "format"})
    merged.update(format_options(front.get("format"), to))
    return merged


def expand_includes(lines: list[Line], root: Path, depth: int = 0) -> list[Line]:
    """Replace each ``{{< include file >}}`` line by that file's lines (recursively).

    Includes stay inside ``root``, and inside ``root/narrative`` for narrative files (E714)."""
    out: list[Line] = []
    for line in lines:
        m = STANDALONE.match(line.text)
        if not m or m["name"] != "include":
            out.append(line)
            continue
        arg = m["arg"]
        target = root / arg.lstrip("/") if arg.startswith("/") else line.file.parent / arg
        base = root / "narrative" if line.file.resolve().is_relative_to(
            (root / "narrative").resolve()) else root
        if not target.resolve().is_relative_to(base.resolve()):
            raise _error(
                f"included file {arg} is outside the "
                f"{'narrative' if base != root else 'project'} folder", line,
                "include only files inside the project (narrative: inside the narrative "
                "folder), e.g. {{< include narrative/extra.md >}}", "E714",
            )
        if not target.is_file():
            raise _error(
                f"included file not found: {arg}", line,
                "create the file or correct the path in the include shortcode", "E701",
            )
        if depth >= MAX_INCLUDE_DEPTH:
            raise _error(
                f"includes nested more than {MAX_INCLUDE_DEPTH} deep (a loop?) at {arg}", line,
                "remove the circular include", "E701",
            )
        _, body = split_front_matter(target)
        out.extend(expand_includes(body, root, depth + 1))
    return out


def _lookup(mapping: dict[str, Any], key: str) -> Any:
    value: Any = mapping
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def substitute_values(
    lines: list[Line], variables: dict[str, Any], metadata: dict[str, Any]
) -> list[Line]:
    """Replace inline ``{{< var k >}}`` and ``{{< meta k >}}``; reject any other inline shortcode."""
    out = []
    for line in lines:
        if STANDALONE.match(line.text):
            out.append(line)
            continue

        def sub(m: re.Match[str], line: Line = line) -> str:
            name, key = m["name"], m["args"].strip()
            if name in ("include", "embed"):
                raise _error(
                    f"the {name} shortcode must be on a line of its own", line,
                    f"move {{{{< {name} ... >}}}} to its own line", "E702",
                )
            if name not in ("var", "meta"):
                raise _error(
                    f"unsupported shortcode '{name}' (supported: include, embed, var, meta)",
                    line, "remove it or render with real Quarto (--engine quarto)", "E702",
                )
            value = _lookup(variables if name == "var" else metadata, key)
            if value is None:
                source = "_variables.yml" if name == "var" else "the document metadata"
                raise _error(
                    f"{name} '{key}' is not defined in {source}", line,
                    f"define '{key}' in {source} or correct the name", "E703",
                )
            return str(value)

        out.append(replace(line, text=SHORTCODE.sub(sub, line.text)))
    return out


def cell_options(cell: dict[str, Any]) -> dict[str, Any]:
    """The ``#|`` options at the top of a notebook code cell, parsed as YAML."""
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    opts = []
    for row in text.splitlines():
        if not row.startswith("#|"):
            break
        opts.append(row[2:].strip())
    try:
        options = yaml.safe_load("\n".join(opts)) or {} if opts else {}
    except yaml.YAMLError:
        return {}
    # PyYAML reads a JSON-escaped emoji ("\ud83e\udd8a") as two lone surrogates: pair them
    return {k: v.encode("utf-16", "surrogatepass").decode("utf-16") if isinstance(v, str) else v
            for k, v in options.items()} if isinstance(options, dict) else {}


def _cell_code(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    return "\n".join(r for r in text.splitlines() if not r.startswith("#|")).strip()


def _joined(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _attr_value(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"')


class _Embedder:
    """Expands embed shortcodes: reads notebooks once, numbers figures and tables in order."""

    def __init__(self) -> None:
        self.notebooks: dict[Path, list[dict[str, Any]]] = {}
        self.images: dict[str, bytes] = {}
        self.alts: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.counts = {"fig": 0, "tbl": 0}

    def cells(self, path: Path, line: Line) -> list[dict[str, Any]]:
        if path not in self.notebooks:
            if not path.is_file():
                raise _error(
                    f"embedded notebook not found: {path.name}", line,
                    "run cpanalytics build (it writes the executed notebooks) or correct the path",
                    "E704",
                )
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise _error(
                    f"notebook {path.name} is not valid JSON: {exc}", line,
                    "run cpanalytics build again", "E704",
                ) from exc
            self.notebooks[path] = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        return self.notebooks[path]

    def expand(self, ref: str, line: Line) -> list[Line]:
        nb_rel, _, label = ref.partition("#")
        if not label:
            raise _error(
                f"embed '{ref}' has no cell label", line,
                "embed one cell: {{< embed notebooks/name.ipynb#label >}}", "E705",
            )
        path = line.file.parent / nb_rel
        found = [(c, o) for c in self.cells(path, line) if (o := cell_options(c)).get("label") == label]
        if not found:
            raise _error(
                f"no cell labelled '{label}' in {path.name}", line,
                "check the label against docs/report-labels.md and the notebook", "E705",
            )
        if label in self.labels:
            raise _error(
                f"'{label}' is embedded twice in this document", line,
                "embed each figure and table once and cross-reference it elsewhere", "E705",
            )
        cell, opts = found[0]
        unknown = sorted(set(opts) - CELL_OPTIONS)
        if unknown:
            raise _error(
                f"cell '{label}' in {path.name} uses unsupported cell option(s): "
                + ", ".join(unknown),
                line, "use only " + ", ".join(sorted(CELL_OPTIONS)) + " (see docs/rendering.md)",
                "E706",
            )
        blocks = self._blocks(cell, opts, label, path, line)
        return [Line(t, line.file, line.number, raw) for t, raw in blocks]

    def _number(self, kind: str, label: str) -> str:
        self.counts[kind] += 1
        self.labels[label] = f"{'Figure' if kind == 'fig' else 'Table'} {self.counts[kind]}"
        return self.labels[label]

    def _blocks(
        self, cell: dict[str, Any], opts: dict[str, Any], label: str, nb: Path, line: Line
    ) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = [("", True)]
        if opts.get("echo") is True:
            out += [("```python", True), *((r, True) for r in _cell_code(cell).splitlines()),
                    ("```", True), ("", True)]
        image, texts = None, []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise _error(
                    f"cell '{label}' in {nb.name} failed: {output.get('ename')}", line,
                    "fix the notebook and run cpanalytics build again", "E705",
                )
            if kind == "stream":
                if output.get("name") == "stdout":
                    texts.append(("```", *_joined(output.get("text", "")).splitlines(), "```"))
                continue
            data = output.get("data", {})
            if image is None and ("image/svg+xml" in data or "image/png" in data):
                image = data
            elif "text/markdown" in data:
                texts.append(tuple(_joined(data["text/markdown"]).splitlines()))
            elif "text/plain" in data and not ({"image/svg+xml", "image/png"} & set(data)):
                texts.append(("```", *_joined(data["text/plain"]).splitlines(), "```"))
        body = [row for block in texts for row in (*block, "")]
        if label.startswith("fig-"):
            out += self._figure(image, body, opts, label, nb, line)
        elif image is not None:
            raise _error(
                f"cell '{label}' in {nb.name} outputs an image but is not labelled fig-...",
                line, "label chart cells fig-... and give them fig-cap and fig-alt", "E706",
            )
        elif label.startswith("tbl-"):
            out += self._table(body, opts, label, nb, line)
        else:
            out += [(row, False) for row in body]
        return [*out, ("", True)]

    def _figure(
        self,
        image: dict[str, Any] | None,
        body: list[str],
        opts: dict[str, Any],
        label: str,
        nb: Path,
        line: Line,
    ) -> list[tuple[str, bool]]:
        for key in ("fig-cap", "fig-alt"):
            if not opts.get(key):
                raise _error(
                    f"figure cell '{label}' in {nb.name} has no {key}", line,
                    f"add '#| {key}: ...' to the cell", "E706",
                )
        caption = f"{self._number('fig', label)}: {' '.join(str(opts['fig-cap']).split())}"
        text = [(row, False) for row in body]
        if image is None:
            return [(f"::: {{#{label}}}", True), (f"**{caption}**", False), ("", True),
                    *text, (":::", True)]
        if "image/svg+xml" in image:
            name, content = f"{label}.svg", _joined(image["image/svg+xml"]).encode("utf-8")
        else:
            name, content = f"{label}.png", base64.b64decode(_joined(image["image/png"]))
        self.images[name] = content
        self.alts[name] = " ".join(str(opts["fig-alt"]).split())
        alt = _attr_value(opts["fig-alt"])
        return [(f'![{caption}]({name}){{#{label} alt="{alt}" width="100%"}}', True), ("", True),
                *text]

    def _table(
        self, body: list[str], opts: dict[str, Any], label: str, nb: Path, line: Line
    ) -> list[tuple[str, bool]]:
        if not opts.get("tbl-cap"):
            raise _error(
                f"table cell '{label}' in {nb.name} has no tbl-cap", line,
                "add '#| tbl-cap: ...' to the cell", "E706",
            )
        caption = f"{self._number('tbl', label)}: {' '.join(str(opts['tbl-cap']).split())}"
        start = next((i for i, r in enumerate(body) if r.lstrip().startswith("|")), None)
        if start is None:
            return [(f"::: {{#{label}}}", True), (f"**{caption}**", False), ("", True),
                    *((r, False) for r in body), (":::", True)]
        end = start
        while end < len(body) and body[end].lstrip().startswith("|"):
            end += 1
        return [
            *((r, bool(NOTE_FENCE.fullmatch(r.strip()))) for r in body[:start]), ("", True),
            *((r, False) for r in body[start:end]),
            ("", True), (f": {caption} {{#{label}}}", False), ("", True),
            *((r, bool(NOTE_FENCE.fullmatch(r.strip()))) for r in body[end:]),
        ]


def _parse_attrs(text: str) -> tuple[list[str], dict[str, str]]:
    inner = text.strip()[1:-1] if text.strip().startswith("{") else "." + text.strip()
    classes, keys = [], {}
    for m in ATTR.finditer(inner):
        if m["cls"]:
            classes.append(m["cls"][1:])
        elif m["id"]:
            keys["#"] = m["id"][1:]
        else:
            val = m["val"]
            keys[m["key"]] = re.sub(r"\\(.)", r"\1", val[1:-1]) if val.startswith('"') else val
    return classes, keys


def _callout_open(kind: str, title: str, to: str, line: Line) -> list[Line]:
    if to == "typst":  # Quarto's call; a Typst string: the title's markdown escapes undone first
        esc = MARKDOWN_ESCAPE.sub(r"\1", title).replace("\\", "\\\\").replace('"', '\\"')
        rows = ["", "```{=typst}", f'#callout(title: "{esc}", icon_color: rgb("{CALLOUT_COLOURS[kind]}"),'
                f" icon: none, body: [", "```", ""]
    elif to == "docx":  # the reference document's "Callout" paragraph style
        rows = ['::: {custom-style="Callout"}', f"**{title}**", ""]
    else:
        rows = [f"::: {{.callout .callout-{kind}}}", "::: callout-title", title, ":::", ""]
    return [Line(r, line.file, line.number, raw=True) for r in rows]


def _callout_close(to: str, line: Line) -> list[Line]:
    rows = ["", "```{=typst}", "])", "```", ""] if to == "typst" else ["", ":::", ""]
    return [Line(r, line.file, line.number, raw=True) for r in rows]


def convert_callouts(lines: list[Line], to: str) -> list[Line]:
    """Turn ``::: {.callout-TYPE title="..."}`` blocks into styled boxes for ``to``."""
    out: list[Line] = []
    stack: list[str] = []
    in_code = False
    for line in lines:
        if line.raw:
            out.append(line)
            continue
        if FENCE.match(line.text):
            in_code = not in_code
        if in_code or FENCE.match(line.text):
            out.append(line)
            continue
        opened = DIV_OPEN.match(line.text)
        if opened:
            classes, keys = _parse_attrs(opened["attrs"])
            callouts = [c for c in classes if c.startswith("callout-")]
            if not callouts:
                raise _error(
                    f"unsupported fenced div '{line.text.strip()}' (only callouts are supported)",
                    line, "use ::: {.callout-note} (note, warning, important, tip, caution)",
                    "E708",
                )
            kind = callouts[0].removeprefix("callout-")
            if kind not in CALLOUT_TYPES or set(keys) - CALLOUT_KEYS:
                raise _error(
                    f"unsupported callout '{line.text.strip()}'", line,
                    "use .callout-note, -warning, -important, -tip or -caution with an "
                    "optional title=\"...\"", "E708",
                )
            stack.append(kind)
            out += _callout_open(kind, keys.get("title", kind.capitalize()), to, line)
        elif DIV_CLOSE.match(line.text):
            if not stack:
                raise _error("closing ::: without an opening callout", line,
                             "remove the stray ::: line", "E708")
            stack.pop()
            out += _callout_close(to, line)
        else:
            out.append(line)
    if stack:
        raise _error("callout not closed", lines[-1], "add a closing ::: line", "E708")
    return out


def resolve_crossrefs(lines: list[Line], labels: dict[str, str]) -> list[Line]:
    """Replace ``@fig-x``/``@tbl-x`` by a link "Figure 3"/"Table 2" to the numbered item."""
    out = []
    in_code = False
    for line in lines:
        if not line.raw and FENCE.match(line.text):
            in_code = not in_code
        if line.raw or in_code:
            out.append(line)
            continue

        def sub(m: re.Match[str], line: Line = line) -> str:
            kind = m["kind"].lower()
            label = f"{kind}-{m['name']}"
            if kind not in ("fig", "tbl"):
                raise _error(
                    f"unsupported cross-reference @{label} (only @fig- and @tbl-)", line,
                    "refer to figures and tables only", "E709",
                )
            if label not in labels:
                raise _error(
                    f"cross-reference @{label} has no embedded figure or table with that label",
                    line, "embed the cell or correct the label", "E709",
                )
            return f"[{labels[label]}](#{label})"

        out.append(replace(line, text=XREF.sub(sub, line.text)))
    return out


def expand_document(qmd: Path, project_dir: Path, to: str) -> Expanded:
    """Expand one staged .qmd for ``to`` ("html", "typst" or "docx") into pandoc markdown."""
    project = load_yaml(project_dir / "_quarto.yml")
    variables = load_yaml(project_dir / "_variables.yml")
    extension = load_yaml(project_dir / EXTENSION / "_extension.yml").get("contributes") or {}
    front, body = split_front_matter(qmd)
    metadata = document_metadata(project, front, to, extension.get("formats"))
    lines = expand_includes(body, project_dir)
    lines = substitute_values(lines, variables, metadata)
    embedder = _Embedder()
    expanded: list[Line] = []
    for line in lines:
        m = STANDALONE.match(line.text)
        expanded += embedder.expand(m["arg"], line) if m else [line]
    expanded = convert_callouts(expanded, to)
    expanded = resolve_crossrefs(expanded, embedder.labels)
    return Expanded(
        markdown="\n".join(line.text for line in expanded) + "\n",
        metadata=metadata,
        images=embedder.images,
        alts=embedder.alts,
        labels=embedder.labels,
    )
