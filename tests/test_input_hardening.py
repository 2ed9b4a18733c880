"""Issue 13 input hardening: data that is wrong but was accepted, returns as systems really
write them (one-line XML, two-digit years, Excel's ``sep=`` line, title lines) and folders
that cannot be listed.

Base data: ``builders.small_year(2019)``: header rows 2 (child 001) and 3 (child 002);
episodes row 2 (001, DECOM 01/01/2018, open) and row 3 (002, 01/05/2018 to 01/02/2019).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from builders import small_year, write_local, write_small_root, write_xml, write_year

from cpanalytics.cli.main import main
from cpanalytics.data.loading import load_data
from cpanalytics.data.validation import validate
from cpanalytics.data.validation.report import format_text


def findings(root: Path, code: str) -> list:
    """Every ``code`` finding for the data at ``root``."""
    return [f for f in validate(load_data(root)) if f.rule == code]


def hits(root: Path, code: str) -> list[tuple[str, int | None, str | None, str | None]]:
    """(file name, row, column, value) of every ``code`` finding."""
    return [(Path(f.file).name, f.row, f.column, f.value) for f in findings(root, code)]


# --- data that is wrong but was accepted ---------------------------------------------------


def test_dec_after_year_end(tmp_path, capsys):
    tables = small_year(2019)
    tables["episodes"][1]["DEC"] = "01/04/2019"  # row 3: the 2019 year ended 31/03/2019
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V226") == [("episodes.csv", 3, "DEC", "01/04/2019")]
    assert main(["validate", str(tmp_path)]) == 1
    assert "31 March" in capsys.readouterr().out


def test_dec_set_by_stitching_is_not_after_year_end(tmp_path):
    # 001 is open in 2019 and absent from 2020: stitching closes it on 01/04/2019 (exempt)
    write_small_root(tmp_path, (2019,))
    tables = small_year(2020)
    tables["header"] = tables["header"][1:]
    tables["episodes"] = tables["episodes"][1:]
    tables["reviews"] = []
    write_year(tmp_path, 2020, tables)
    assert hits(tmp_path, "V226") == []


@pytest.mark.parametrize("placeholder", ["31/12/9999", "01/01/1900"])
def test_placeholder_dob(tmp_path, capsys, placeholder):
    tables = small_year(2019)
    tables["header"][1]["DOB"] = placeholder  # row 3, child 002
    write_year(tmp_path, 2019, tables)
    assert ("header.csv", 3, "DOB", None) in hits(tmp_path, "V227")  # a DOB is never printed
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "placeholder" in out
    assert "    row 3, column DOB\n" in out  # no value shown


def test_oc3_dob_differs_from_header(tmp_path):
    tables = small_year(2019)
    tables["oc3"] = [{"CHILD": "001", "DOB": "01/06/2010", "IN_TOUCH": "YES"},  # row 2: same
                     {"CHILD": "002", "DOB": "16/01/2008", "IN_TOUCH": "YES"}]  # row 3: a day out
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V228") == [("oc3.csv", 3, "DOB", None)]


def test_dob_corrected_in_a_later_return_is_not_a_mismatch(tmp_path):
    # the 2019 oc3 row keeps the DOB of its own return; the 2020 header corrected it
    tables = small_year(2019)
    tables["oc3"] = [{"CHILD": "002", "DOB": "15/01/2008", "IN_TOUCH": "YES"}]
    write_year(tmp_path, 2019, tables)
    later = small_year(2020)
    later["header"][1]["DOB"] = "16/01/2008"
    write_year(tmp_path, 2020, later)
    assert hits(tmp_path, "V228") == []


def test_local_ids_with_leading_zeros_stripped(tmp_path, capsys):
    # Excel read 001 and 002 as numbers: the extract links to nobody (HE-02 would be 0.0%)
    write_small_root(tmp_path)
    write_local(tmp_path, "health_assessments", [
        {"CHILD": "1", "TYPE": "IHA", "DATE_REQUESTED": "01/02/2018"},  # row 2
        {"CHILD": "002", "TYPE": "IHA", "DATE_REQUESTED": "01/06/2018"},  # row 3: fine
        {"CHILD": "2", "TYPE": "IHA", "DATE_REQUESTED": "01/07/2018"},  # row 4
        {"CHILD": "777", "TYPE": "IHA", "DATE_REQUESTED": "01/07/2018"}])  # row 5: not in care
    assert hits(tmp_path, "V229") == [("health_assessments.csv", 2, "CHILD", None),
                                      ("health_assessments.csv", 4, "CHILD", None)]
    assert hits(tmp_path, "V230") == []  # some ids do match
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Excel has probably stripped the leading zeros" in out
    assert "how to fix: export the extract again with CHILD as text" in out


def test_local_ids_with_zeros_added_are_named_too(tmp_path):
    write_small_root(tmp_path)
    write_local(tmp_path, "child_attributes", [{"CHILD": "0001", "DISTRICT": "Dover"}])
    assert hits(tmp_path, "V229") == [("child_attributes.csv", 2, "CHILD", None)]
    assert hits(tmp_path, "V230") == []  # explained by V229


def test_local_extract_matching_no_child(tmp_path):
    write_small_root(tmp_path)
    write_local(tmp_path, "care_plan_qa", [{"CHILD": "A17", "DATE": "01/05/2018", "GRADE": "GOOD"},
                                           {"CHILD": "A18", "DATE": "01/05/2018", "GRADE": "GOOD"}])
    assert hits(tmp_path, "V230") == [("care_plan_qa.csv", 2, "CHILD", None)]


def test_children_outside_the_903_are_not_flagged(tmp_path):
    # child_attributes lists every child known to the council, most never looked after
    write_small_root(tmp_path)
    write_local(tmp_path, "child_attributes", [{"CHILD": "001", "DISTRICT": "Dover"},
                                               {"CHILD": "500", "DISTRICT": "Dover"}])
    assert validate(load_data(tmp_path)) == []


# --- XML returns written on one line -----------------------------------------------------------


def one_line_return(tmp_path: Path, tables: dict) -> Path:
    """``tables`` as an XML return with every element on line 2 (as many systems write it)."""
    path = write_xml(tmp_path / "903" / "2019" / "return.xml", tables)
    declaration, body = path.read_text().split("\n", 1)
    path.write_text(declaration + "\n" + "".join(line.strip() for line in body.splitlines()))
    return path


def test_one_line_xml_findings_name_child_record_element_and_column(tmp_path, capsys):
    tables = small_year(2019)
    tables["episodes"].append({**tables["episodes"][1], "DECOM": "01/03/2019", "RNE": "P",
                               "DEC": "", "REC": "", "PLACE": "XX"})  # 002's 2nd episode
    tables["episodes"][1].update(DEC="01/03/2019", REC="X1")
    tables["episodes"][0]["DEC"] = "01/12/2017"  # 001's episode ends before it starts
    tables["episodes"][0]["REC"] = "E13"
    path = one_line_return(tmp_path, tables)
    text = path.read_text().split("\n")[1]
    found = [f for f in validate(load_data(tmp_path)) if f.rule in ("V201", "V211")]
    assert [(f.rule, f.record, f.row) for f in found] == [
        ("V211", "CHILD 001, EPISODE 1, DEC", 2),
        ("V201", "CHILD 002, EPISODE 2, PL", 2),
    ]  # in file order: child 001 comes first on the line
    for f in found:  # the column is where the element starts
        assert text[f.position - 1:].startswith(f"<{f.record.rsplit(', ', 1)[1]}>")
    assert found[0].position < found[1].position
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"CHILD 002, EPISODE 2, PL (line 2, column {found[1].position}): 'XX'" in out
    assert "row 2" not in out


def test_xml_finding_on_a_header_item_of_a_record(tmp_path):
    # a review's DOB comes from the child's HEADER: that is where it is located
    tables = small_year(2019)
    tables["header"][0]["DOB"] = "01/01/1900"
    path = one_line_return(tmp_path, tables)
    found = findings(tmp_path, "V227")
    assert {f.record for f in found} == {"CHILD 001, HEADER, DOB"}
    text = path.read_text().split("\n")[1]
    assert {text[f.position - 1:].split(">")[0] for f in found} == {"<DOB"}


def test_xml_date_error_names_the_child_and_episode(tmp_path, capsys):
    tables = small_year(2019)
    tables["episodes"][1]["DEC"] = "31/02/2019"
    one_line_return(tmp_path, tables)
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "error E112" in err
    assert "in CHILD 002, EPISODE 1, DEC at column" in err


def test_multi_line_xml_gives_the_elements_line(tmp_path):
    tables = small_year(2019)
    tables["episodes"][1]["PLACE"] = "XX"
    path = write_xml(tmp_path / "903" / "2019" / "return.xml", tables)
    [finding] = findings(tmp_path, "V201")
    line = path.read_text().split("\n")[finding.row - 1]
    assert line.strip() == "<PL>XX</PL>"
    assert line[finding.position - 1:].startswith("<PL>")


# --- findings in file order -----------------------------------------------------------------


def test_findings_listed_in_file_order(tmp_path):
    tables = small_year(2019)
    eps = tables["episodes"]
    # rule V212 works on episodes sorted by child: 002 (rows 2-3) comes after 001 (rows 4-5)
    eps[:] = [{**eps[1], "DEC": "01/03/2019", "REC": "X1"},
              {**eps[1], "DECOM": "01/02/2019", "RNE": "P", "DEC": "", "REC": ""},
              {**eps[0], "DEC": "01/06/2018", "REC": "X1"},
              {**eps[0], "DECOM": "01/05/2018", "RNE": "P", "DEC": "", "REC": ""}]
    tables["header"][1]["ETHNIC"] = ""  # header.csv row 3: V203
    write_year(tmp_path, 2019, tables)
    found = validate(load_data(tmp_path))
    assert [(Path(f.file).name, f.row, f.rule) for f in found if f.rule in ("V203", "V212")] == [
        ("episodes.csv", 2, "V212"), ("episodes.csv", 4, "V212"), ("header.csv", 3, "V203")]
    text = format_text(found)
    assert text.index("row 2, column DEC") < text.index("row 4, column DEC")


# --- CSV files as Excel and people write them ---------------------------------------------------


def test_excel_sep_line_is_skipped_with_a_note(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    episodes = folder / "episodes.csv"
    text = episodes.read_text().replace(",U1,", ",XX,")  # episodes row 2 -> line 3
    episodes.write_text("sep=,\n" + text)
    assert hits(tmp_path, "W104") == [("episodes.csv", 1, None, None)]
    assert hits(tmp_path, "V201") == [("episodes.csv", 3, "PLACE", "XX")]  # lines still count
    assert main(["validate", str(tmp_path)]) == 1
    assert "Excel's separator hint" in capsys.readouterr().out


def test_semicolon_sep_line(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    header = folder / "header.csv"
    header.write_text('"sep=;"\n' + header.read_text().replace(",", ";"))
    assert load_data(tmp_path).header["CHILD"].tolist() == ["001", "002"]


@pytest.mark.parametrize(("title", "above"), [
    ("Children looked after: episodes 2018-19\n", 1),  # pandas saw a ragged row: was E118
    ("Episodes,,,,,,,,,,,,\nExported 01/04/2019,,,,,,,,,,,,\n\n", 3),  # was E110/E111
])
def test_title_lines_above_the_header(tmp_path, capsys, title, above):
    folder = write_small_root(tmp_path) / "903" / "2019"
    episodes = folder / "episodes.csv"
    episodes.write_text(title + episodes.read_text())
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error E119: {episodes}, row {above + 1}: ")
    assert f"the header row is not the first line: {above} title line(s) above it" in err
    assert "how to fix: delete the" in err
    assert "E118" not in err
    assert "Traceback" not in err


# --- folders that cannot be listed -----------------------------------------------------------------


def run_both(capsys, root: Path, tmp_path: Path) -> list[str]:
    """stderr of ``validate`` and of ``build`` on ``root``; each must exit 2 without a traceback."""
    errors = []
    for argv in (["validate", str(root)],
                 ["build", "--data", str(root), "--year", "2019", "--out", str(tmp_path / "out")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        errors.append(err)
    return errors


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["903/2020", "local"])
def test_year_folder_that_is_a_link_loop(tmp_path, capsys, folder):
    write_small_root(tmp_path / "data")
    loop = tmp_path / "data" / folder
    os.symlink(loop, loop)
    for err in run_both(capsys, tmp_path / "data", tmp_path):
        assert f"error E120: {loop}: the folder is a symbolic link that leads back to itself" in err
        assert f"how to fix: replace the link {loop.name}" in err


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["903/2019", "local"])
def test_unreadable_folder(tmp_path, capsys, monkeypatch, folder):
    # tests may run as root, who can read anything: the folder refuses to be listed instead
    write_small_root(tmp_path / "data")
    write_local(tmp_path / "data", "child_attributes", [{"CHILD": "001"}])
    locked = tmp_path / "data" / folder
    listing = Path.iterdir

    def iterdir(self: Path):
        if self == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    for err in run_both(capsys, tmp_path / "data", tmp_path):
        assert f"error E120: {locked}: the folder cannot be read (permission denied)" in err
        assert "how to fix: ask for read permission" in err
