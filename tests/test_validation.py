"""Validation: pandera schemas by collection year, each cross-table rule, and the report.

Base data: ``builders.small_year(2019)`` (see tests/test_bad_input.py for its rows).
"""

from __future__ import annotations

import json

import pytest
from builders import small_year, write_local, write_small_root, write_year

from cpanalytics.cli.main import main
from cpanalytics.data.codes import valid_codes, years_valid
from cpanalytics.data.loading import load_data
from cpanalytics.data.validation import has_errors, validate
from cpanalytics.data.validation.report import format_json, format_text
from cpanalytics.data.validation.rules import all_rules
from cpanalytics.errors import Finding


def hits(root, code: str) -> list[tuple[str, int, str | None, str | None]]:
    """(file name, row, column, value) of every ``code`` finding for the data at ``root``."""
    return [(f.file.rsplit("/", 1)[-1], f.row, f.column, f.value)
            for f in validate(load_data(root)) if f.rule == code]


def test_clean_data_has_no_findings(tmp_path):
    write_small_root(tmp_path, (2019, 2020, 2025))
    assert validate(load_data(tmp_path)) == []
    assert main(["validate", str(tmp_path)]) == 0


def test_code_lists_change_by_year():
    assert valid_codes("SEX", 2024) == {"1", "2"}
    assert valid_codes("SEX", 2025) == {"M", "F", "U"}
    assert "K3" not in valid_codes("PLACE", 2024)
    assert {"K3", "Z11", "Z14", "U1"} <= valid_codes("PLACE", 2025)
    assert years_valid("PLACE", "K3") == "2025 onwards"
    assert years_valid("SEX", "1") == "up to 2024"


def test_every_rule_is_registered_with_a_fix():
    rules = all_rules()
    assert set(rules) == {f"V{n}" for n in range(210, 231)}
    assert all(r.fix and r.severity == "error" for r in rules.values())


def test_required_item_blank(tmp_path):
    tables = small_year(2019)
    tables["header"][0]["ETHNIC"] = ""
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V203") == [("header.csv", 2, "ETHNIC", None)]


def test_sdq_out_of_range(tmp_path):
    tables = small_year(2019)
    tables["oc2"] = [{"CHILD": "001", "DOB": "01/06/2010", "SDQ_SCORE": "41"},  # row 2: > 40
                     {"CHILD": "002", "DOB": "15/01/2008", "SDQ_SCORE": "40"}]  # row 3: ok
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V204") == [("oc2.csv", 2, "SDQ_SCORE", "41")]


def test_uasc_ceased_after_18(tmp_path):
    tables = small_year(2019)
    # 18th birthday 01/06/2020: DUC on the birthday is allowed, the day after is not
    tables["uasc"] = [{"CHILD": "001", "SEX": "1", "DOB": "01/06/2002", "DUC": "01/06/2020"},
                      {"CHILD": "002", "SEX": "2", "DOB": "01/06/2002", "DUC": "02/06/2020"}]
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V213") == [("uasc.csv", 3, "DUC", "02/06/2020")]


def test_review_outside_care(tmp_path):
    tables = small_year(2019)
    # child 002 is in care 01/05/2018 to 01/02/2019: a review on DEC is inside, a month later is not
    tables["reviews"] += [
        {"CHILD": "002", "DOB": "15/01/2008", "REVIEW": "01/02/2019", "REVIEW_CODE": "PN1"},
        {"CHILD": "002", "DOB": "15/01/2008", "REVIEW": "01/03/2019", "REVIEW_CODE": "PN1"},
    ]
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V214") == [("reviews.csv", 4, "REVIEW", "01/03/2019")]


def test_duplicate_episodes(tmp_path):
    tables = small_year(2019)
    tables["episodes"].append(dict(tables["episodes"][1]))  # row 4 repeats row 3
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V218") == [("episodes.csv", 4, "DECOM", "01/05/2018")]


def test_open_episode_not_latest(tmp_path):
    tables = small_year(2019)
    eps = tables["episodes"]
    eps[1].update(DEC="", REC="")  # row 3 left open ...
    eps.append({**eps[1], "DECOM": "01/01/2019", "RNE": "P"})  # ... but row 4 follows it
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V219") == [("episodes.csv", 3, "DEC", None)]


def test_episode_after_year_end(tmp_path):
    tables = small_year(2019)
    tables["episodes"][1]["DECOM"] = "01/04/2019"  # the 2019 year ended 31/03/2019
    tables["episodes"][1].update(DEC="", REC="")
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V220") == [("episodes.csv", 3, "DECOM", "01/04/2019")]


def test_missing_end_before_start(tmp_path):
    tables = small_year(2019)
    tables["missing"] = [{"CHILD": "001", "DOB": "01/06/2010", "MISSING": "M",
                          "MIS_START": "10/10/2018", "MIS_END": "09/10/2018"}]
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V221") == [("missing.csv", 2, "MIS_END", "09/10/2018")]


def test_schema_checks_each_year_with_its_own_list(tmp_path):
    # SEX "M" is right in 2025 but wrong in 2019; both years loaded together. Child 003 is
    # only in the 2019 return (children 001 and 002 are superseded by their 2025 rows).
    write_small_root(tmp_path, (2019, 2025))
    tables = small_year(2019)
    tables["header"].append({"CHILD": "003", "SEX": "M", "DOB": "01/01/2012", "ETHNIC": "WBRI"})
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V202") == [("header.csv", 4, "SEX", "M")]


FINDINGS = [
    Finding("error", "V211", "a/episodes.csv", "the episode ends before it starts", row=3,
            column="DEC", value="01/04/2018", fix="correct the dates"),
    Finding("error", "V211", "a/episodes.csv", "the episode ends before it starts", row=7,
            column="DEC", value="02/04/2018", fix="correct the dates"),
    Finding("warning", "W101", "a/header.csv", "extra column(s) X were ignored", row=1,
            column="X", fix="remove it"),
]


def test_text_report_groups_by_file_and_rule():
    assert format_text(FINDINGS).splitlines() == [
        "a/episodes.csv",
        "  error V211: the episode ends before it starts (2 rows)",
        "    row 3, column DEC: '01/04/2018'",
        "    row 7, column DEC: '02/04/2018'",
        "    how to fix: correct the dates",
        "a/header.csv",
        "  warning W101: extra column(s) X were ignored (1 row)",
        "    row 1, column X",
        "    how to fix: remove it",
        "2 errors, 1 warning in 2 files",
    ]
    assert has_errors(FINDINGS)
    assert not has_errors(FINDINGS[2:])


def test_json_report(tmp_path, capsys):
    tables = small_year(2019)
    tables["episodes"][1]["PLACE"] = "XX"
    write_year(tmp_path, 2019, tables)
    assert main(["validate", "--format", "json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    assert report["warnings"] == 0
    assert report["findings"][0]["rule"] == "V201"
    assert report["findings"][0]["row"] == 3
    assert format_json([])  # an empty report is still a JSON document
    assert json.loads(format_json([])) == {"errors": 0, "warnings": 0, "findings": []}


@pytest.mark.parametrize("identifier", ["001", "01/06/2010", "A123456789012", "ME14 1XQ"])
def test_report_never_prints_child_level_data(tmp_path, capsys, identifier):
    tables = small_year(2019)
    tables["episodes"].append({**tables["episodes"][0], "CHILD": "001", "DEC": "01/01/2017"})
    tables["header"].append(dict(tables["header"][0]))  # duplicate header: V217 on CHILD
    write_year(tmp_path, 2019, tables)
    main(["validate", str(tmp_path)])
    assert identifier not in capsys.readouterr().out


def test_local_extract_codes(tmp_path):
    write_small_root(tmp_path)
    # rows 2-3 of health_assessments: TYPE 'dental' is upper-cased and valid; 'GP' is not
    write_local(tmp_path, "health_assessments", [
        {"CHILD": "001", "TYPE": "dental", "DATE_REQUESTED": "01/05/2018"},
        {"CHILD": "002", "TYPE": "GP", "DATE_REQUESTED": "01/06/2018"}])
    write_local(tmp_path, "child_attributes", [{"CHILD": "", "DISTRICT": "Maidstone"}])
    assert hits(tmp_path, "V201") == [("health_assessments.csv", 3, "TYPE", "GP")]
    assert hits(tmp_path, "V203") == [("child_attributes.csv", 2, "CHILD", None)]
    # labels keep their case (they are printed in reports); codes are upper-cased
    data = load_data(tmp_path)
    assert data.child_attributes["DISTRICT"].tolist() == ["Maidstone"]
    assert data.health_assessments["TYPE"].tolist() == ["DENTAL", "GP"]


def test_long_groups_are_summarised_and_context_printed():
    many = [Finding("error", "V201", "a/episodes.csv", "bad PLACE", row=r, column="PLACE",
                    value="XX") for r in range(2, 27)]  # rows 2..26: 25 rows, 20 shown
    lines = format_text(many, {"years": [2019, 2020], "files": 4}).splitlines()
    assert lines[0] == "checked 4 files, collection years 2019-2020"
    assert lines[3] == "    row 2, column PLACE: 'XX'"
    assert lines[22] == "    row 21, column PLACE: 'XX'"
    assert lines[23] == "    ... and 5 more rows"
    assert lines[-1] == "25 errors, 0 warnings in 1 file"
    assert format_text([]) == "0 errors, 0 warnings: no problems found"


def test_empty_returns_validate_cleanly(tmp_path):
    # header.csv and episodes.csv with only their header rows: nothing to report
    folder = write_year(tmp_path, 2019, {"header": [], "episodes": []})
    assert validate(load_data(tmp_path)) == []
    assert main(["validate", str(folder)]) == 0


def test_dec_and_rec_together(tmp_path):
    tables = small_year(2019)
    tables["episodes"][1]["REC"] = ""  # row 3 ends 01/02/2019 but has no reason
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V222") == [("episodes.csv", 3, "REC", None)]


def test_dec_and_rec_not_required_on_rows_closed_by_stitching(tmp_path):
    # small_year(2019) child 001 is open; the 2020 return starts its next episode with RNE S,
    # so stitching closes the 2019 episode with a DEC and no REC: not a V222 finding.
    write_small_root(tmp_path, (2019, 2020))
    assert hits(tmp_path, "V222") == []


def test_x1_without_next_episode(tmp_path):
    tables = small_year(2019)
    eps = tables["episodes"]
    eps[1]["REC"] = "X1"  # row 3: 002 "still looked after" from 01/02/2019 but no episode follows
    eps[0].update(DEC="01/03/2018", REC="X1")  # row 2: 001 continues in row 4 from 01/03/2018
    eps.append({**eps[0], "DECOM": "01/03/2018", "RNE": "P", "DEC": "", "REC": ""})
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V223") == [("episodes.csv", 3, "REC", "X1")]


def test_rne_after_previous_rec(tmp_path):
    tables = small_year(2019)
    eps = tables["episodes"]
    eps[0].update(DEC="01/03/2018", REC="X1")
    eps.append({**eps[0], "DECOM": "01/03/2018", "RNE": "S", "DEC": "", "REC": ""})  # row 4: S after X1
    eps.append({**eps[1], "DECOM": "01/03/2019", "RNE": "P", "DEC": "", "REC": ""})  # row 5: P after E13
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V224") == [("episodes.csv", 4, "RNE", "S"), ("episodes.csv", 5, "RNE", "P")]


def test_record_for_unknown_child(tmp_path):
    tables = small_year(2019)
    tables["reviews"].append({"CHILD": "404", "REVIEW": "01/08/2018", "REVIEW_CODE": "PN1"})  # row 3
    write_year(tmp_path, 2019, tables)
    assert hits(tmp_path, "V225") == [("reviews.csv", 3, "CHILD", None)]
