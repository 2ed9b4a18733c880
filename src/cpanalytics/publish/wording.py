"""Plain English for elected members (issue 15): the meaning of each code the reports show,
and the data the figures come from, named as a reader knows it.

A code is shown with its meaning ("PN1: child attended and spoke for themselves"); field
names, file names and code values on their own never appear in a report. The meanings
follow the DfE SSDA903 guidance (review participation codes, legal statuses, reasons for
a placement change) and, for the local extracts, ``docs/data-contract.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Review participation (SSDA903 REVIEW_CODE, DfE guidance): code -> code with its meaning.
PARTICIPATION: dict[str, str] = {
    "PN0": "PN0: child under 4",
    "PN1": "PN1: child attended and spoke for themselves",
    "PN2": "PN2: child attended; an advocate spoke for them",
    "PN3": "PN3: child attended and gave their views without words",
    "PN4": "PN4: child attended but did not give their views",
    "PN5": "PN5: child did not attend; an advocate they briefed spoke for them",
    "PN6": "PN6: child did not attend; gave their views another way",
    "PN7": "PN7: child did not attend and their views were not given",
}

#: IRO dispute resolution stages (local extract, STAGE).
DISPUTE_STAGES: dict[str, str] = {
    "DR1": "DR1: informal stage",
    "DR2": "DR2: formal stage",
    "DR3": "DR3: senior managers",
}

#: Care plan quality grades (local extract, GRADE): the Ofsted scale.
GRADES: dict[str, str] = {
    "OUTSTANDING": "Outstanding",
    "GOOD": "Good",
    "RI": "Requires improvement",
    "INADEQUATE": "Inadequate",
}

#: Labels the measures use that a lay reader would not know, in plain words.
LABELS: dict[str, str] = {
    "ADM decision": "Decision that adoption is in the child's best interests",
    "Breach: LA": "Late: council",
    "Breach: health": "Late: health service",
    "Breach: not recorded": "Late: reason not recorded",
    "Allegation (s47)": "Allegation (child protection enquiry)",
    "Q1": "Q1 (April to June)",
    "Q2": "Q2 (July to September)",
    "Q3": "Q3 (October to December)",
    "Q4": "Q4 (January to March)",
}

#: Each input table, as the appendix and the source lines name it.
DATA_NAMES: dict[str, str] = {
    "header": "Children's details",
    "episodes": "Episodes of care (legal status and placements)",
    "uasc": "Unaccompanied asylum-seeking children",
    "reviews": "Reviews of children in care",
    "oc2": "Health and wellbeing outcomes",
    "oc3": "Care leavers' outcomes",
    "ad1": "Adoptions",
    "placed_for_adoption": "Decisions to place for adoption",
    "previous_permanence": "Previous permanence arrangements",
    "missing": "Missing or away from placement",
    "health_assessments": "Health assessment records",
    "child_attributes": "Nationality records",
    "iro_allocations": "IRO allocation records",
    "iro_staff": "IRO staffing records",
    "iro_escalations": "IRO dispute resolution log",
    "care_plan_qa": "Care plan quality assurance records",
    "population": "Population estimates (ONS)",
    "comparators": "England and comparator figures (DfE)",
    "social_worker_allocations": "Social worker allocation records",
}

#: The statutory return, as a source line names it.
RETURN = "SSDA903 (the council's statutory return to the DfE on children looked after)"

_NEEDS = re.compile(r"local/(\w+)\.csv")


def lower_first(text: str) -> str:
    """``Youth justice`` -> ``youth justice`` mid-sentence; an acronym (``IRO ...``) is kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def data_name(table: str) -> str:
    """The plain name of an input table: ``oc2`` -> "Health and wellbeing outcomes"."""
    return DATA_NAMES.get(table, table.replace("_", " ").capitalize())


def source_line(tables: Iterable[str], local: Iterable[str]) -> str:
    """``Source: SSDA903 (...) and the council's own health assessment records.``"""
    extracts = [lower_first(data_name(t)) for t in sorted(set(local))]
    parts = ([RETURN] if set(tables) - set(local) else []) + (
        [f"the council's own {listing(extracts)}"] if extracts else [])
    return "Source: " + " and ".join(parts) + "." if parts else ""


def listing(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(items)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def unavailable(note: str) -> str:
    """An indicator's "Not available: needs local/x.csv" note in plain words: which records
    the figure needs (the note itself, for the analyst, names the file)."""
    needed = [lower_first(data_name(t)) for t in _NEEDS.findall(note)]
    if not needed:
        return note
    return f"Not available: this figure needs the council's {' and '.join(needed)}, which were not supplied"
