"""The report notebooks' sections: one typed function per labelled output, registered with
its caption and alt text (``registry``), run by the generated notebooks with one context
(``context``). ``SECTIONS`` and ``NOTEBOOKS`` list them; docs/report-labels.md is written
from them.
"""

from cpanalytics.runtime.sections import (  # noqa: F401  (importing a notebook registers it)
    adoption_timescales,
    care_leavers,
    children_in_care,
    iha_timeliness,
    iro_reviews,
    pack,
    placement_stability,
    scorecard,
    uasc_trends,
)
from cpanalytics.runtime.sections.context import Context, context
from cpanalytics.runtime.sections.registry import (
    NOTEBOOKS,
    SECTIONS,
    Notebook,
    Section,
    run,
    sections_of,
    write_headlines,
)

__all__ = [
    "NOTEBOOKS", "SECTIONS", "Context", "Notebook", "Section", "context", "run", "sections_of",
    "write_headlines",
]
