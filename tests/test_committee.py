"""The performance pack's committee details (config/pack.yaml, issue 17 item 3): packaged
placeholders, the council's file over them, and located errors for bad values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.errors import UserError
from cpanalytics.publish import committee


def write(root: Path, text: str) -> Path:
    (root / "config").mkdir(parents=True, exist_ok=True)
    path = root / "config" / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_placeholders_hold_no_real_names(tmp_path):
    details = committee.load(tmp_path)
    assert details.file is None
    assert details.to == "Corporate Parenting Panel"
    assert details.classification == "Unrestricted"
    assert [c.role for c in details.contacts] == ["Lead Officer", "Lead Director"]
    assert all(c.name == "<name>" for c in details.contacts)
    assert details.meetings == {}
    assert details.comparators["Stat neighbours"] == "statistical neighbours"
    # every person-specific setting is still a placeholder
    assert details.placeholders == ["from", "contacts.Lead Officer", "contacts.Lead Director"]
    assert "kent" not in (committee.PACKAGED / "pack.yaml").read_text(encoding="utf-8").lower()


def test_the_councils_file_replaces_settings_and_contact_fields(tmp_path):
    project, data = tmp_path / "project", tmp_path / "data"
    write(data, "subject: From the data root\n")
    write(project, """\
from: "Jo Bloggs, Corporate Director"
subject: Performance Scorecard for Children in Care
meetings:
  2018-06: 2018-09-19
  2018-08: 2018-11-01
contacts:
  lead_officer: {name: Sam Smith, title: MI Manager, phone: "01234 567890", email: sam@example.org}
  lead_director: {name: Alex Jones}
comparators: {England: England, North West: the North West}
""")
    details = committee.load([data, project])  # the project's file wins over the data root's
    assert details.file == project / "config" / "pack.yaml"
    assert details.sender == ("Jo Bloggs, Corporate Director",)
    assert details.subject == "Performance Scorecard for Children in Care"
    assert details.meeting(pd.Timestamp("2018-08-31")) == date(2018, 11, 1)
    assert details.meeting(pd.Timestamp("2018-06-30")) == date(2018, 9, 19)
    assert details.meeting(pd.Timestamp("2018-10-31")) is None
    officer, director = details.contacts
    assert (officer.name, officer.phone, officer.email) == ("Sam Smith", "01234 567890", "sam@example.org")
    # a contact field left out keeps the packaged placeholder
    assert (director.name, director.title) == ("Alex Jones", "<job title, e.g. Director of Children's Services>")
    assert details.comparators == {"England": "England", "North West": "the North West"}
    assert details.placeholders == ["contacts.Lead Director"]


@pytest.mark.parametrize(("text", "code", "row", "column"), [
    ("subjet: Scorecard\n", "E340", 1, "subjet"),
    ("contacts:\n  lead_oficer: {name: A}\n", "E340", 2, "lead_oficer"),
    ("contacts:\n  lead_officer:\n    name: A\n    mobile: '0123'\n", "E340", 4, "mobile"),
    ("to:\n  - Panel\n", "E341", 1, "to"),
    ("classification: ''\n", "E341", 1, "classification"),
    ("contacts: Jo Bloggs\n", "E341", 1, "contacts"),
    ("meetings:\n  August 2018: 2018-11-01\n", "E342", 2, "meetings.August 2018"),
    ("meetings:\n  2018-08: next week\n", "E342", 2, "meetings.2018-08"),
    ("to: [Panel\n", "E320", 2, None),  # the parser notices at the end of the file
])
def test_bad_values_are_located_errors(tmp_path, text, code, row, column):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as raised:
        committee.load(tmp_path)
    err = raised.value
    assert (err.code, err.file, err.row, err.column) == (code, str(path), row, column)
    assert err.fix


def test_the_init_scaffold_reads_as_the_packaged_placeholders(tmp_path):
    from cpanalytics.render.project import scaffold

    scaffold(tmp_path / "anyshire", 2019)
    details = committee.load(tmp_path / "anyshire")
    assert details.file == tmp_path / "anyshire" / "config" / "pack.yaml"
    assert details.placeholders == ["from", "contacts.Lead Officer", "contacts.Lead Director"]
