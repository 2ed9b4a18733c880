"""The performance pack's committee details: who the cover report is from and to, its
subject and classification, the panel's meeting dates and the contacts (issue 17, item 3).

They are read from ``config/pack.yaml`` of the council's project folder, else of its data
root (:func:`cpanalytics.data.settings.council_file`); each setting the council leaves out
keeps the packaged placeholder (``resources/config/pack.yaml``: angle-bracketed, no real
names), so an unedited pack shows at a glance what is still to fill in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from cpanalytics.data.settings import PACKAGED, Roots, council_file, line, read_yaml
from cpanalytics.errors import UserError

FILE = "pack.yaml"
#: The cover report's text settings (the committee format's header lines).
TEXTS = ("to", "subject", "classification", "electoral_divisions")
#: Every top-level setting of ``pack.yaml``.
SETTINGS = ("from", *TEXTS, "meetings", "contacts", "comparators")
#: The contacts the cover report ends with, and how it heads each.
ROLES = {"lead_officer": "Lead Officer", "lead_director": "Lead Director"}
CONTACT_FIELDS = ("name", "title", "phone", "email")
#: What a placeholder value starts with (the packaged file's ``<name>``).
PLACEHOLDER = "<"


@dataclass(frozen=True)
class Contact:
    """A contact at the end of the cover report."""

    role: str
    name: str
    title: str
    phone: str
    email: str


@dataclass(frozen=True)
class Committee:
    """The committee details of a pack; ``file`` is the council's ``pack.yaml`` (``None``:
    the packaged placeholders throughout)."""

    sender: tuple[str, ...]
    to: str
    subject: str
    classification: str
    electoral_divisions: str
    meetings: dict[str, date] = field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()
    comparators: dict[str, str] = field(default_factory=dict)
    file: Path | None = None

    def meeting(self, when: pd.Timestamp | date) -> date | None:
        """The date of the meeting the scorecard for ``when``'s month goes to, if known."""
        return self.meetings.get(f"{pd.Timestamp(when):%Y-%m}")

    @property
    def placeholders(self) -> list[str]:
        """The settings still holding a packaged placeholder (``<name>``), for the build's warning."""
        texts = {"from": " ".join(self.sender), **{k: getattr(self, k) for k in TEXTS}}
        texts |= {f"contacts.{c.role}": " ".join([c.name, c.title, c.phone, c.email])
                  for c in self.contacts}
        return [k for k, v in texts.items() if PLACEHOLDER in v]


def load(roots: Roots) -> Committee:
    """The committee details: the packaged ``pack.yaml``, each setting the council's
    ``config/pack.yaml`` gives replacing it (a contact field by field). ``UserError`` E340
    (an unknown setting), E341 (a value of the wrong kind), E342 (a meeting that is not
    ``YYYY-MM: YYYY-MM-DD``), E320 (not YAML)."""
    packaged = _checked(read_yaml(PACKAGED / FILE), PACKAGED / FILE)
    path = council_file(roots, FILE)
    own = _checked(read_yaml(path), path) if path is not None else {}
    merged = {**packaged, **own}
    contacts = {role: {**packaged["contacts"].get(role, {}), **own.get("contacts", {}).get(role, {})}
                for role in ROLES}
    return Committee(
        sender=tuple(merged["from"]), to=merged["to"], subject=merged["subject"],
        classification=merged["classification"], electoral_divisions=merged["electoral_divisions"],
        meetings=merged["meetings"],
        contacts=tuple(Contact(ROLES[role], **{f: str(c.get(f, "")) for f in CONTACT_FIELDS})
                       for role, c in contacts.items() if c),
        comparators=merged["comparators"], file=path,
    )


def _checked(raw: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The settings of one ``pack.yaml``, checked and typed (see :func:`load`)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        row = line(raw, key)
        if key not in SETTINGS:
            raise _unknown(key, SETTINGS, path, row)
        if key == "from":
            out[key] = _lines(value, path, row)
        elif key in TEXTS:
            out[key] = _text(value, key, path, row)
        elif key == "meetings":
            out[key] = _meetings(value, path, row)
        elif key == "contacts":
            out[key] = _contacts(value, path, row)
        else:
            areas = _mapping(value, key, path, row)
            out[key] = {str(a): _text(n, f"comparators.{a}", path, line(areas, a) or row)
                        for a, n in areas.items()}
    return out


def _unknown(key: object, known: tuple[str, ...] | Mapping[str, str], path: Path,
             row: int | None) -> UserError:
    return UserError(f"unknown setting {key!r}", file=path, row=row, column=str(key), code="E340",
                     fix=f"use only {', '.join(known)} (see the packaged example: "
                         f"cpanalytics init writes it to config/{FILE})")


def _wrong(what: str, value: object, path: Path, row: int | None, column: str,
           example: str) -> UserError:
    return UserError(f"{column} must be {what}, not {value!r}", file=path, row=row, column=column,
                     code="E341", fix=f"write e.g. {example}")


def _text(value: object, column: str, path: Path, row: int | None) -> str:
    """A text setting: a string or number, never a list, a mapping or empty."""
    if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    raise _wrong("text", value, path, row, column, f'{column.rsplit(".", 1)[-1]}: "Unrestricted"')


def _lines(value: object, path: Path, row: int | None) -> list[str]:
    """``from``: one line, or a list of lines."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _wrong("one line or a list of lines", value, path, row, "from",
                     'from: ["Jo Bloggs, Corporate Director of Children\'s Services"]')
    return [_text(v, "from", path, row) for v in items]


def _mapping(value: object, column: str, path: Path, row: int | None) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _wrong("a mapping", value, path, row, column, f"{column}: {{England: England}}")
    return value


def _meetings(value: object, path: Path, row: int | None) -> dict[str, date]:
    """``YYYY-MM`` (the scorecard's month) -> the meeting's date."""
    out: dict[str, date] = {}
    for key, day in _mapping(value, "meetings", path, row).items():
        where = line(value, key) or row
        month = pd.to_datetime(str(key), format="%Y-%m", errors="coerce")
        meeting = pd.to_datetime(day if isinstance(day, date) else str(day), format="ISO8601",
                                 errors="coerce")
        if pd.isna(month) or pd.isna(meeting):
            raise UserError(
                f"meeting {key!r}: {day!r} is not a scorecard month and a meeting date", file=path,
                row=where, column=f"meetings.{key}", code="E342",
                fix="write the month of the scorecard and the date of the meeting it goes to, "
                    "e.g. '2018-08: 2018-11-01'",
            )
        out[f"{month:%Y-%m}"] = meeting.date()
    return out


def _contacts(value: object, path: Path, row: int | None) -> dict[str, dict[str, str]]:
    """``lead_officer`` and ``lead_director``, each with name, title, phone and email."""
    out: dict[str, dict[str, str]] = {}
    for role, entry in _mapping(value, "contacts", path, row).items():
        where = line(value, role) or row
        if role not in ROLES:
            raise _unknown(role, ROLES, path, where)
        fields = _mapping(entry, f"contacts.{role}", path, where)
        for key in fields:
            if key not in CONTACT_FIELDS:
                raise _unknown(key, CONTACT_FIELDS, path, line(fields, key) or where)
        out[str(role)] = {str(k): _text(v, f"contacts.{role}.{k}", path, line(fields, k) or where)
                          for k, v in fields.items()}
    return out
