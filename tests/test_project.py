"""A council's project folder: ``cpanalytics init``, how a command finds it, and the project's
config, narrative and report sources winning over the data root's and the packaged ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cpanalytics.cli.main import main
from cpanalytics.data.model import CareData
from cpanalytics.errors import UserError
from cpanalytics.measures import reference
from cpanalytics.pipeline import embedded_notebooks
from cpanalytics.publish.targets import load, packaged_defaults_in_use
from cpanalytics.render.project import (
    MARKER,
    check_project,
    current_year,
    find_project,
    narrative_sections,
    scaffold,
)
from cpanalytics.render.stage import (
    NOT_SUPPLIED,
    default_narrative_dir,
    report_sources,
    sources_root,
    stage_project,
)

YEAR = 2025
#: The narrative files the packaged reports include (reports/narrative/README.md).
NARRATIVE = ["foreword.md", "introduction.md", "services.md", "get_involved.md",
             "iro_introduction.md", "iro_voice.md", "iro_conclusion.md", "iro_priorities.md"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "anyshire"
    scaffold(folder, YEAR)
    return folder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_init_scaffolds_config_narrative_reports_and_data(tmp_path: Path, capsys) -> None:
    assert main(["init", str(tmp_path / "anyshire"), "--year", str(YEAR)]) == 0
    folder = tmp_path / "anyshire"
    printed = capsys.readouterr().out
    for name in [MARKER, "README.md", "data/README.md", f"config/targets-{YEAR}.yaml",
                 "config/comparators.csv", "config/areas.yaml", "config/pack.yaml",
                 "reports/_quarto.yml", "reports/corporate_parenting.qmd", "reports/iro_annual.qmd",
                 *(f"narrative/{YEAR}/{n}" for n in NARRATIVE)]:
        assert (folder / name).is_file(), name
        assert f"  {name}\n" in printed
    # every file the reports include is there, holding the box the build warns about
    assert sorted(p.name for p in (folder / "narrative" / str(YEAR)).iterdir()) == sorted(NARRATIVE)
    foreword = (folder / "narrative" / str(YEAR) / "foreword.md").read_text()
    assert f'title="{NOT_SUPPLIED}foreword.md"' in foreword and '"Foreword"' in foreword
    # the report sources are the packaged ones, to edit; binary files (fonts) stay packaged
    packaged = report_sources()
    copied = {p.relative_to(folder / "reports").as_posix() for p in (folder / "reports").rglob("*")
              if p.is_file()}
    assert copied <= set(packaged) and {"_quarto.yml", "corporate_parenting.qmd"} <= copied
    assert all((folder / "reports" / n).read_bytes() == packaged[n].read_bytes() for n in copied)
    # pack.yaml names nobody: every person-specific value is a placeholder
    pack = (folder / "config" / "pack.yaml").read_text()
    assert "Kent" not in pack and pack.count("<") >= 6
    assert "Kent" not in (folder / "README.md").read_text()


def test_init_refuses_a_folder_with_files_unless_forced(tmp_path: Path, capsys) -> None:
    folder = _write(tmp_path / "mine" / "notes.txt", "keep me").parent
    assert main(["init", str(folder)]) == 2
    assert "error E902" in capsys.readouterr().err
    assert not (folder / MARKER).exists()
    assert main(["init", str(folder), "--year", str(YEAR), "--force"]) == 0
    assert (folder / MARKER).is_file() and (folder / "notes.txt").read_text() == "keep me"
    # a second --force run replaces the scaffold's files and says so
    assert main(["init", str(folder), "--year", str(YEAR), "--force"]) == 0
    assert f"  narrative/{YEAR}/foreword.md (replaced)\n" in capsys.readouterr().out
    with pytest.raises(UserError) as err:
        scaffold(folder / "notes.txt", YEAR)
    assert err.value.code == "E902"


def test_the_default_year_is_the_latest_ended() -> None:
    # a collection year ends on 31 March
    assert current_year(date(2026, 3, 30)) == 2025
    assert current_year(date(2026, 3, 31)) == 2026
    assert current_year(date(2026, 12, 6)) == 2026


def test_a_command_finds_the_project_given_or_in_the_current_folder(project: Path, tmp_path: Path) -> None:
    assert find_project(project) == project.resolve()
    assert find_project(None, cwd=project) == project.resolve()
    assert find_project(None, cwd=tmp_path) is None
    with pytest.raises(UserError) as err:
        check_project(tmp_path)
    assert err.value.code == "E901" and "cpanalytics init" in err.value.fix


def test_build_options_name_the_missing_project_marker_and_data(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no project here
    assert main(["build", "--year", str(YEAR)]) == 2
    assert "error E402" in capsys.readouterr().err
    assert main(["build", "--year", str(YEAR), "--data", str(tmp_path), "--project", str(tmp_path)]) == 2
    assert "error E901" in capsys.readouterr().err


def test_init_targets_change_nothing_until_a_line_is_uncommented(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    roots = [data, project]
    assert load(roots, YEAR).targets == load(None, YEAR).targets
    # the examples count as none of the council's own: the build keeps warning
    assert packaged_defaults_in_use(roots, YEAR) == [
        f"targets-{YEAR}.yaml", "areas.yaml", "comparators.csv"]
    _fill_areas_and_comparators(project, figure="11")
    # every commented entry, uncommented as it stands, is the packaged default
    path = project / "config" / f"targets-{YEAR}.yaml"
    text = path.read_text()
    lines = [line.replace("  # ", "  ", 1) if line.startswith("  # ") and "?" not in line else line
             for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n")
    own = load(roots, YEAR).targets
    packaged = load(None, YEAR).targets
    assert {k: (t.target, t.floor) for k, t in own.items()} == {
        k: (t.target, t.floor) for k, t in packaged.items()}
    assert packaged_defaults_in_use(roots, YEAR) == []


def _fill_areas_and_comparators(project: Path, figure: str = "?") -> None:
    """Uncomment the scaffold's areas and comparator examples, as the council would (the
    comparator's ``?`` replaced by ``figure``)."""
    for name in ("areas.yaml", "comparators.csv"):
        path = project / "config" / name
        lines = path.read_text().splitlines()
        example = lines.index("# areas:") if name == "areas.yaml" else len(lines) - 1
        text = "\n".join([*lines[:example], *(line.removeprefix("# ") for line in lines[example:])])
        path.write_text(text.replace(",?,", f",{figure},") + "\n")


def test_init_areas_and_comparators_are_templates_the_build_warns_about(project: Path, tmp_path: Path) -> None:
    """Nothing of the packaged (Kent) districts or comparator figures is copied in: until
    the council fills the files in, the packaged ones apply and the build says so."""
    roots = [tmp_path / "data", project]
    areas = (project / "config" / "areas.yaml").read_text()
    comparators = (project / "config" / "comparators.csv").read_text()
    assert "Ashford" not in areas and all(line.startswith("#") for line in areas.splitlines())
    assert comparators.splitlines()[0] == "INDICATOR,YEAR,AREA,VALUE,NOTE"
    assert all(line.startswith("#") for line in comparators.splitlines()[1:])
    assert reference.areas(roots) == reference.areas(None)
    assert load(roots, YEAR).comparators.equals(load(None, YEAR).comparators)
    assert packaged_defaults_in_use(roots, YEAR)[1:] == ["areas.yaml", "comparators.csv"]
    # the comparator example uncommented as it stands has no figure: E324 on its line (8)
    _fill_areas_and_comparators(project)
    with pytest.raises(UserError) as err:
        load(roots, YEAR)
    assert (err.value.code, err.value.row, err.value.column) == ("E324", 8, "VALUE")
    path = project / "config" / "comparators.csv"
    path.write_text(path.read_text().replace(",?,", ",11,"))
    assert reference.areas(roots) == {"First District": "North Area", "Second District": "North Area",
                                      "Third District": "South Area"}
    assert load(roots, YEAR).comparator("PS-01", "England", YEAR) == (11.0, YEAR)
    assert packaged_defaults_in_use(roots, YEAR) == [f"targets-{YEAR}.yaml"]


def test_the_project_config_wins_over_the_data_root_and_the_package(tmp_path: Path) -> None:
    data, project = tmp_path / "data", tmp_path / "project"
    _write(data / "config" / f"targets-{YEAR}.yaml",
           "targets:\n  PS-01: {target: 8, floor: 11}\n  HE-02: {target: 80}\n"
           "nts_threshold: {2016-07-01: 0.0008}\n")
    _write(project / "config" / f"targets-{YEAR}.yaml", "targets:\n  PS-01: {target: 9}\n")
    _write(data / "config" / "comparators.csv",
           "INDICATOR,YEAR,AREA,VALUE\nPS-01,2024,England,11\nPS-01,2024,North,12\n")
    _write(project / "config" / "comparators.csv", "INDICATOR,YEAR,AREA,VALUE\nPS-01,2024,England,10.5\n")
    _write(data / "config" / "areas.yaml", "areas:\n  Data area: [Alpha]\n")
    cfg = load([data, project], YEAR)
    # field by field: the project's PS-01 target over the data root's, whose floor stays;
    # HE-02's target from the data root, its floor (75) from the packaged defaults
    assert (cfg.target("PS-01").target, cfg.target("PS-01").floor) == (9.0, 11.0)
    assert (cfg.target("HE-02").target, cfg.target("HE-02").floor) == (80.0, 75.0)
    assert cfg.comparator("PS-01", "England") == (10.5, 2024)
    assert cfg.comparator("PS-01", "North") == (12.0, 2024)
    # areas and NTS: the project has none, so the data root's apply ...
    assert reference.areas([data, project]) == {"Alpha": "Data area"}
    assert set(reference.nts_thresholds([data, project], YEAR).values()) == {0.0008}
    # ... until it has its own
    _write(project / "config" / "areas.yaml", "areas:\n  Project area: [Alpha, Beta]\n")
    _write(project / "config" / f"targets-{YEAR}.yaml", "nts_threshold: 0.001\n")
    assert reference.areas([data, project]) == {"Alpha": "Project area", "Beta": "Project area"}
    assert set(reference.nts_thresholds([data, project], YEAR).values()) == {0.001}
    # the loaded data carries both folders, the project last
    loaded = CareData(tables={}, root=data, project=project)
    assert loaded.config_roots == [data, project]
    assert CareData(tables={}, root=data).config_roots == [data]


def test_narrative_comes_from_the_project_then_the_data_root(tmp_path: Path) -> None:
    data, project = tmp_path / "data", tmp_path / "project"
    packaged = sources_root() / "reports" / "narrative" / str(YEAR)
    assert default_narrative_dir(YEAR, data, project) == packaged
    (data / "narrative" / str(YEAR)).mkdir(parents=True)
    assert default_narrative_dir(YEAR, data, project) == data / "narrative" / str(YEAR)
    (project / "narrative" / str(YEAR)).mkdir(parents=True)
    assert default_narrative_dir(YEAR, data, project) == project / "narrative" / str(YEAR)


def test_report_sources_are_the_projects_copies_where_it_has_them(project: Path) -> None:
    packaged = report_sources()
    assert not any(name.startswith("narrative/") for name in packaged)
    (project / "reports" / "iro_annual.qmd").unlink()
    logo = _write(project / "reports" / "images" / "logo.svg", "<svg/>")
    own = report_sources(project)
    assert own["corporate_parenting.qmd"] == project / "reports" / "corporate_parenting.qmd"
    assert own["_quarto.yml"] == project / "reports" / "_quarto.yml"
    assert own["iro_annual.qmd"] == packaged["iro_annual.qmd"]  # deleted: the packaged one
    assert own["images/logo.svg"] == logo
    # the notebooks the build runs follow the council's report sources
    qmd = project / "reports" / "corporate_parenting.qmd"
    qmd.write_text("---\ntitle: Short\n---\n\n{{< embed notebooks/scorecard.ipynb#tbl-scorecard >}}\n")
    assert "children_in_care" in embedded_notebooks(packaged)
    assert embedded_notebooks({"corporate_parenting.qmd": qmd}) == ["scorecard"]


def test_staging_uses_the_project_and_warns_about_unwritten_narrative(project: Path, tmp_path: Path) -> None:
    qmd = project / "reports" / "corporate_parenting.qmd"
    qmd.write_text(qmd.read_text().replace('title: "Annual Corporate Parenting Report"',
                                           'title: "Anyshire Corporate Parenting Report"'))
    narrative = project / "narrative" / str(YEAR)
    (narrative / "foreword.md").write_text("Written by the Anyshire panel chair.\n")
    (narrative / "services.md").unlink()
    (tmp_path / "nb").mkdir()
    staged = stage_project(YEAR, tmp_path / "out", notebooks_dir=tmp_path / "nb",
                           narrative_dir=narrative, la_name="Anyshire", appendix="",
                           today=date(2025, 7, 14), project=project)
    assert "Anyshire Corporate Parenting Report" in (staged.path / "corporate_parenting.qmd").read_text()
    assert (staged.path / "narrative" / "foreword.md").read_text().startswith("Written by")
    unwritten = sorted(w.split(f"{narrative}/")[1].split(" ")[0] for w in staged.warnings
                       if "still holds the placeholder box" in w)
    assert unwritten == sorted(set(NARRATIVE) - {"foreword.md", "services.md"})
    assert [w for w in staged.warnings if w.startswith("narrative not supplied: services.md")]


def test_narrative_sections_name_each_file_with_its_heading() -> None:
    sections = {s.name: s for s in narrative_sections(report_sources())}
    assert list(sections) == NARRATIVE
    assert sections["iro_voice.md"].heading == "What children and young people told us"
    assert sections["foreword.md"].report == "Annual Corporate Parenting Report"


def test_quick_commands_in_a_project_use_its_config(project: Path, tmp_path: Path, capsys,
                                                    monkeypatch) -> None:
    from builders import write_small_root

    data = write_small_root(tmp_path / "data", years=(2018, 2019))
    _write(project / "config" / "comparators.csv", "INDICATOR,YEAR,AREA,VALUE\nPS-01,2019,England,9.9\n")
    argv = ["compare", "PS-01", "--data", str(data), "--as-at", "31/03/2019", "--areas", "England",
            "--years", "1", "--format", "csv", "--no-suppress"]
    monkeypatch.chdir(project)
    assert main(argv) == 0
    assert "PS-01,2018/19,England,9.9%" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)  # outside it, the packaged figures (none for 2018/19): E331
    assert main(argv) == 2
