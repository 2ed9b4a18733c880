"""One run of a report notebook: its parameters, the data and the results its sections share.

A notebook's set-up cell builds a :class:`Context` with :func:`context`; each section
receives it (with ``label`` set to the section's) and computes an indicator once per run
through :meth:`Context.compute`, however many sections show it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import pandas as pd

from cpanalytics.about import DEFAULT_LA_NAME
from cpanalytics.data.model import CareData
from cpanalytics.measures.indicators import compute, series
from cpanalytics.publish import headlines
from cpanalytics.runtime import notebook as nb

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """A notebook run: reporting date, data, targets and comparators, output folder, and the
    label of the section being run (``docs/report-labels.md``)."""

    notebook: str
    data: CareData
    date: pd.Timestamp
    out: Path
    refs: nb.References
    la_name: str = DEFAULT_LA_NAME
    suppress: bool = True
    label: str = ""
    #: The notebook's own parameters (``Notebook.parameters``), e.g. the pack's ``previous``.
    options: Mapping[str, Any] = field(default_factory=dict)
    #: Results computed so far in this run, shared by every section (see :meth:`once`).
    results: dict[Hashable, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def fy(self) -> str:
        """The financial year of the reporting date: ``2024-25``."""
        return nb.fy_label(self.date)

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, called the first time ``key`` is asked for in this run only."""
        if key not in self.results:
            self.results[key] = make()
        return cast(T, self.results[key])

    def compute(
        self, indicator_id: str, *, by: str | None = None, as_at: pd.Timestamp | None = None
    ) -> pd.DataFrame:
        """The indicator as at the reporting date (or ``as_at``), split ``by`` a breakdown."""
        when = self.date if as_at is None else as_at
        return self.once(("compute", indicator_id, when, by),
                         lambda: compute(indicator_id, self.data, when, by=by))

    def kpis(self, ids: Sequence[str]) -> dict[str, pd.DataFrame]:
        """Each indicator as at the reporting date, by id."""
        return {i: self.compute(i) for i in ids}

    def series(self, indicator_id: str, months: int, *, by: str | None = None) -> pd.DataFrame:
        """The indicator at each month end from ``months`` months before the date to the date."""
        return series(indicator_id, self.data, nb.months_back(self.date, months), self.date, by=by)

    @property
    def year_ago(self) -> pd.Timestamp:
        """The same date a year before the reporting date (the comparison the IRO Handbook
        report makes in every section)."""
        return nb.years_back(self.date, 1)

    def sentence(self, indicator_id: str, *, target_name: str = "target",
                 previous: bool = True) -> str:
        """The indicator's headline sentence against its target and England, closed by its
        value a year earlier (unless ``previous`` is False)."""
        return headlines.kpi_sentence(
            self.compute(indicator_id), target=self.refs.target.get(indicator_id),
            england=self.refs.england.get(indicator_id), target_name=target_name,
            previous=self.compute(indicator_id, as_at=self.year_ago) if previous else None,
            suppress=self.suppress)

    def publish_table(self, frame: pd.DataFrame) -> None:
        """Show a display-string table and write it as ``tables/<label>.csv``."""
        nb.publish_table(self.label, frame, self.out)

    def publish_measures(self, ids: Sequence[str], *, compared: bool = True,
                         previous: bool = False) -> None:
        """Publish the indicators as one table (with targets and England when ``compared``,
        and each value a year earlier when ``previous``)."""
        earlier = [self.compute(i, as_at=self.year_ago) for i in ids] if previous else None
        nb.publish_measures(self.label, [self.compute(i) for i in ids], self.out,
                            refs=self.refs if compared else None, previous=earlier,
                            suppress=self.suppress)


def context(
    notebook: str,
    data_dir: str | Path | None,
    year: int,
    as_at: str | None = None,
    *,
    la_name: str = DEFAULT_LA_NAME,
    suppress: bool = True,
    output_dir: str | None = None,
    **options: Any,
) -> Context:
    """A notebook's context from its parameters (the parameters cell of every report notebook;
    ``options``: the notebook's own)."""
    date = nb.as_at_date(year, as_at)
    out = nb.output_path(output_dir)
    data = nb.load(data_dir)
    return Context(notebook=notebook, data=data, date=date, out=out,
                   refs=nb.references(data, date), la_name=la_name, suppress=suppress,
                   options=options)
