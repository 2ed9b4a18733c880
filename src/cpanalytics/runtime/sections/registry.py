"""The section registry: one declarative entry per labelled report output.

Each section is one function decorated with :func:`section`, which records its label
(``fig-``, ``tbl-`` or ``txt-``), notebook, caption, alt text and what it shows; each
notebook's headline figures come from a function decorated with :func:`notebook`.
``tools/make_notebooks.py`` writes the notebooks (one cell per section, in registration
order) and ``docs/report-labels.md`` from these entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context

SectionFunction = Callable[[Context], None]
#: The headline records of a notebook's JSON (``runtime.notebook.kpi_record``).
HeadlineFunction = Callable[[Context], list[dict[str, Any]]]

KINDS = ("fig", "tbl", "txt")


@dataclass(frozen=True)
class Section:
    """A registry entry: a labelled output, its Quarto caption and alt text, and its function."""

    label: str
    notebook: str
    #: What the output shows, for ``docs/report-labels.md``.
    summary: str
    caption: str | None = None
    alt: str | None = None
    func: SectionFunction = field(default=lambda ctx: None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """``fig``, ``tbl`` or ``txt``: the label's prefix."""
        return self.label.split("-", 1)[0]

    @property
    def cell_options(self) -> list[str]:
        """The Quarto ``#|`` options of the section's notebook cell."""
        lines = [f"#| label: {self.label}"]
        if self.kind == "fig":
            lines += [f"#| fig-cap: {json.dumps(self.caption)}", f"#| fig-alt: {json.dumps(self.alt)}"]
        elif self.kind == "tbl":
            lines.append(f"#| tbl-cap: {json.dumps(self.caption)}")
        return [*lines, "#| echo: false"]


@dataclass(frozen=True)
class Notebook:
    """A report notebook: its name (``notebooks/<name>.ipynb``), title and headline figures."""

    name: str
    title: str
    headlines: HeadlineFunction = field(repr=False, compare=False)
    #: Papermill parameters of this notebook only (name -> default), beside those every
    #: report notebook takes; its sections read them as ``ctx.options[name]``.
    parameters: dict[str, Any] = field(default_factory=dict)


SECTIONS: dict[str, Section] = {}
NOTEBOOKS: dict[str, Notebook] = {}


def section(
    label: str,
    *,
    notebook: str,
    summary: str,
    caption: str | None = None,
    alt: str | None = None,
) -> Callable[[SectionFunction], SectionFunction]:
    """Register the decorated function as the section ``label`` of ``notebook``: a figure
    needs a caption and alt text, a table a caption, text neither."""
    kind = label.split("-", 1)[0]
    if kind not in KINDS:
        raise ValueError(f"{label}: a label starts fig-, tbl- or txt-")
    if (caption is None) != (kind == "txt") or (alt is None) != (kind != "fig"):
        raise ValueError(f"{label}: fig- takes caption and alt, tbl- a caption, txt- neither")

    def register(func: SectionFunction) -> SectionFunction:
        if label in SECTIONS:
            raise ValueError(f"section {label} registered twice")
        SECTIONS[label] = Section(label=label, notebook=notebook, summary=summary,
                                  caption=caption, alt=alt, func=func)
        return func

    return register


def notebook(
    name: str, *, title: str, parameters: dict[str, Any] | None = None
) -> Callable[[HeadlineFunction], HeadlineFunction]:
    """Register the notebook ``name``, the decorated function giving its headline records;
    ``parameters``: its own papermill parameters with their defaults."""

    def register(func: HeadlineFunction) -> HeadlineFunction:
        if name in NOTEBOOKS:
            raise ValueError(f"notebook {name} registered twice")
        NOTEBOOKS[name] = Notebook(name=name, title=title, headlines=func,
                                   parameters=dict(parameters or {}))
        return func

    return register


def sections_of(name: str) -> list[Section]:
    """The sections of one notebook, in the order its cells run."""
    return [s for s in SECTIONS.values() if s.notebook == name]


def run(label: str, ctx: Context) -> None:
    """Run the section ``label`` with the notebook's context."""
    if label not in SECTIONS:
        raise KeyError(f"no section labelled {label!r} (docs/report-labels.md)")
    SECTIONS[label].func(replace(ctx, label=label))


def write_headlines(ctx: Context) -> None:
    """Write ``<out>/<notebook>.json``: the notebook's headline records."""
    nb.write_headlines(ctx.notebook, NOTEBOOKS[ctx.notebook].headlines(ctx), ctx.out)
