"""The command line explains itself: examples in every --help, "did you mean ...?" for a
mistyped command, option, choice or indicator id, the indicator list and `explain`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cpanalytics.cli.main import COMMANDS, main


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """An argparse error: exit 2, the message on stderr."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    assert stop.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_examples_of_that_command(capsys, command: str) -> None:
    text = _help(capsys, command)
    examples = text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    commands = [e.strip() for e in examples if not e.startswith("      ")]  # not continuations
    assert commands and all(c.startswith(f"cpanalytics {command} ") for c in commands), examples


def test_top_level_help_has_examples(capsys) -> None:
    text = _help(capsys)
    assert "examples:\n  cpanalytics indicators --list" in text
    assert "cpanalytics explain PS-01" in text


def test_a_mistyped_command_gets_a_suggestion(capsys) -> None:
    err = _refused(capsys, "indicatrs", "--list")
    assert "invalid choice: 'indicatrs'" in err and "did you mean 'indicators'?" in err


def test_a_mistyped_option_gets_a_suggestion_and_the_commands_usage(capsys) -> None:
    err = _refused(capsys, "indicators", "--data", "data/synthetic", "--as-of", "2019-03-31")
    assert err.startswith("usage: cpanalytics indicators ")  # not the top-level usage
    assert "unrecognized arguments: --as-of 2019-03-31" in err
    assert "--as-of: did you mean --as-at?" in err


def test_a_mistyped_required_option_is_matched_to_the_missing_one(capsys) -> None:
    """--form is a typo of the missing --from, not an abbreviation of --format."""
    err = _refused(capsys, "series", "PS-01", "--form", "2018-04-30", "--to", "2019-03-31")
    assert "the following arguments are required: --from" in err
    assert "--form: did you mean --from?" in err


def test_a_mistyped_choice_gets_a_suggestion(capsys) -> None:
    err = _refused(capsys, "indicators", "--list", "--format", "cvs")
    assert "did you mean 'csv'?" in err


@pytest.mark.parametrize("argv, code", [
    (["indicators", "--data", "nowhere", "--as-at", "2019-03-31", "--id", "ps01"], "E302"),
    (["series", "HE2", "--data", "nowhere", "--from", "2018-04-30", "--to", "2019-03-31"], "E302"),
    (["explain", "cic7"], "E302"),
    (["compare", "ps-01", "--data", "nowhere", "--as-at", "2019-03-31"], "E330"),
])
def test_a_mistyped_indicator_id_gets_a_suggestion_before_any_data_is_read(
        capsys, argv: list[str], code: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    near = {"ps01": "PS-01", "HE2": "HE-02", "cic7": "CIC-07", "ps-01": "PS-01"}[argv[1 if argv[0] != "indicators" else -1]]
    assert code in err and f"did you mean {near}?" in err
    assert "Traceback" not in err and "nowhere" not in err  # refused before loading


def test_a_mistyped_breakdown_gets_a_suggestion() -> None:
    from cpanalytics.errors import UserError
    from cpanalytics.measures.breakdowns import check_breakdown

    with pytest.raises(UserError, match="E301") as refused:
        check_breakdown("age-band")
    assert "did you mean age_band?" in str(refused.value)


def test_indicator_list_shows_ids_with_titles(capsys) -> None:
    from cpanalytics.measures.indicators import REGISTRY

    assert main(["indicators", "--list"]) == 0
    listed = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines()[:-2])
    assert listed["PS-01"] == "Children in care with 3 or more placements in the last 12 months  [KPI]"
    assert listed["CIC-01"] == "Number of children in care"
    assert len(listed) == len(REGISTRY)
    assert main(["indicators", "--list", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == "id,title,kpi,polarity,period,unit,needs"


def test_explain_prints_definition_target_and_caveats(capsys) -> None:
    from cpanalytics.measures.indicators import REGISTRY

    assert main(["explain", "PS-01", "--year", "2025"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("PS-01: Children in care with 3 or more placements in the last 12 months")
    assert " ".join(REGISTRY["PS-01"].definition.split()) in out
    assert "Polarity lower is better" in out and "Period snapshot on the date" in out
    assert "KPI yes" in out
    # The packaged targets.yaml (Kent seed packs): PS-01 target 10%, floor 12%.
    assert "Target 10%, floor 12% for 2024/25 (packaged defaults)" in out
    # The log's entries the registry names: general and placement-carer (docs/assumptions.md).
    assert "general: conventions every measure shares" in out
    assert "placement-carer: what counts as a new placement" in out
    assert "Quality: high." in out


def test_explain_uses_the_councils_targets_for_the_year(tmp_path: Path, capsys) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "targets-2025.yaml").write_text(
        "targets:\n  HE-02: {target: 90, floor: 80}\n")
    assert main(["explain", "HE-02", "--data", str(tmp_path), "--year", "2025",
                 "--format", "json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["target"], facts["floor"]) == (90, 80)
    assert facts["target_source"].endswith("targets-2025.yaml")
    assert facts["needs"] == ["local/health_assessments.csv"]
    assert [c["anchor"] for c in facts["caveats"]] == ["general", "iha-matching",
                                                       "period-start-unknown"]


def test_explain_a_count_without_target_or_kpi(capsys) -> None:
    assert main(["explain", "CIC-01", "--year", "2025"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "KPI no" in out and "Target none set for 2024/25" in out
    assert "Polarity none (a count or context measure)" in out


def test_every_caveat_an_indicator_names_is_in_the_packaged_log() -> None:
    """The log ships in the package (resources/assumptions.md, which docs/assumptions.md is
    made from), and each entry the registry names has its rows of assumption, basis,
    quality and effect."""
    from cpanalytics.measures import assumptions
    from cpanalytics.measures.indicators import REGISTRY

    log = assumptions.entries()
    for indicator in REGISTRY.values():
        for anchor in ("general", *indicator.assumptions):
            rows = log[anchor].rows
            assert rows and all(r["quality"].startswith(("high", "medium", "low")) for r in rows), anchor
    docs = (Path(__file__).resolve().parents[1] / "docs" / "assumptions.md").read_text()
    assert docs.endswith(assumptions.LOG.read_text())
