"""The report notebooks: stored clean, labelled as docs/report-labels.md says, and (e2e)
run through papermill for several dates with headline figures equal to the indicators and
no child-level data in any output."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cpanalytics.pipeline.runner import apply_alt_text
from cpanalytics.publish import tables
from cpanalytics.runtime import notebook as nb

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "src" / "cpanalytics" / "resources" / "notebooks"
#: The data the end-to-end runs use (``CPANALYTICS_TEST_DATA`` overrides, e.g. a scaled copy).
SYNTHETIC = Path(os.environ.get("CPANALYTICS_TEST_DATA", ROOT / "data" / "synthetic"))
LABELS_DOC = ROOT / "docs" / "report-labels.md"
PAPERMILL = Path(sys.executable).with_name("papermill")

ALL = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
REPORT = ["children_in_care", "placement_stability", "iha_timeliness", "adoption_timescales",
          "uasc_trends", "care_leavers", "iro_reviews", "scorecard"]
#: The notebooks taking the report parameters: the report ones (tools/make_notebooks.py writes
#: them from the section registry, see tests/test_sections.py) and the ad hoc template.
GENERATED = [*REPORT, "adhoc_template"]
#: Parameter sets for the end-to-end runs: two years and an off-cycle month end.
RUNS = {"2019": {"year": 2019}, "2024": {"year": 2024},
        "2023-08-31": {"year": 2024, "as_at": "2023-08-31"}}
#: A few KPIs per notebook whose JSON figures are checked against the indicators.
CHECKED = {
    "children_in_care": ["CIC-01", "CIC-04", "CIC-06"],
    "placement_stability": ["PS-01", "PS-02"],
    "iha_timeliness": ["HE-02", "HE-06a"],
    "adoption_timescales": ["AD-01", "AD-06"],
    "uasc_trends": ["UA-01", "UA-02"],
    "care_leavers": ["CL-01", "CL-02", "CL-03"],
    "iro_reviews": ["IR-01", "IR-02"],
    "scorecard": ["PS-01", "CL-02"],
}


def options(source: str) -> dict[str, str]:
    """The ``#|`` Quarto cell options at the top of a cell, as strings."""
    found = {}
    for line in source.splitlines():
        if not line.startswith("#|"):
            break
        key, _, value = line[2:].partition(":")
        found[key.strip()] = value.strip()
    return found


def contract() -> list[tuple[str, str]]:
    """(notebook, label) pairs from the table in docs/report-labels.md."""
    rows = re.findall(r"^\| (\w+) \| `([\w-]+)` \|", LABELS_DOC.read_text(), flags=re.MULTILINE)
    return [(notebook, label) for notebook, label in rows if notebook != "notebook"]


def test_the_expected_notebooks_exist():
    assert set(GENERATED) <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_stored_without_outputs_with_parameters_and_kernelspec(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert notebook.metadata["kernelspec"] == {
        "name": "python3", "display_name": "Python 3", "language": "python"}
    assert notebook.metadata["language_info"]["name"] == "python"


@pytest.mark.parametrize("name", GENERATED)
def test_report_notebooks_take_the_common_parameters(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    source = notebook.cells[1].source
    for parameter in ("data_dir", "year", "as_at", "la_name", "suppress", "output_dir"):
        assert re.search(rf"^{parameter} = ", source, flags=re.MULTILINE), parameter
    assert "data_dir = None" in source and "output_dir = None" in source


@pytest.mark.parametrize(("name", "label"), contract())
def test_every_contract_label_is_one_cell_with_its_options(name, label):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    cells = [options(c.source) for c in notebook.cells if c.cell_type == "code"]
    matching = [o for o in cells if o.get("label") == label]
    assert len(matching) == 1, f"{label} should be exactly one cell of {name}"
    found = matching[0]
    assert found.get("echo") == "false"
    if label.startswith("fig-"):
        assert json.loads(found["fig-cap"]) and len(json.loads(found["fig-alt"])) > 40
    if label.startswith("tbl-"):
        assert json.loads(found["tbl-cap"])


def test_apply_alt_text_copies_the_computed_description():
    cell = nbformat.v4.new_code_cell('#| label: fig-x\n#| fig-alt: "static"\n#| echo: false\nf()')
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": "<svg/>"},
        metadata={"image/svg+xml": {"alt": 'It rose from 9.7% to 10.7% ("PS-01")'}})]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    apply_alt_text(notebook)
    assert options(notebook.cells[0].source)["fig-alt"] == (
        '"It rose from 9.7% to 10.7% (\\"PS-01\\")"')


def test_output_path_defaults_to_a_temporary_directory(tmp_path):
    chosen = nb.output_path(str(tmp_path / "out"))
    assert chosen == tmp_path / "out" and (chosen / "tables").is_dir()
    temporary = nb.output_path(None)
    assert ROOT not in temporary.parents and (temporary / "tables").is_dir()


def test_as_at_date_and_windows():
    assert nb.as_at_date(2025) == pd.Timestamp("2025-03-31")
    assert nb.as_at_date(2024, "2023-08-31") == pd.Timestamp("2023-08-31")
    assert nb.months_back(pd.Timestamp("2023-08-31"), 12) == pd.Timestamp("2022-08-31")
    assert nb.years_back(pd.Timestamp("2024-02-29"), 1) == pd.Timestamp("2023-02-28")
    assert nb.fy_label(pd.Timestamp("2023-08-31")) == "2023-24"
    assert nb.period_text(pd.Timestamp("2023-08-31"), "R12M") == "1 September 2022 to 31 August 2023"


# --- end to end: papermill on data/synthetic -------------------------------------------


def _run(name: str, key: str, base: Path) -> tuple[Path, Path]:
    """Execute one notebook with one parameter set; return (executed copy, output dir)."""
    out = base / key / name
    out.mkdir(parents=True)
    params = {**RUNS[key], "data_dir": str(SYNTHETIC), "output_dir": str(out)}
    args = [str(PAPERMILL), str(NOTEBOOKS / f"{name}.ipynb"), str(out / f"{name}.ipynb"),
            "-k", "python3", "--cwd", str(NOTEBOOKS), "--log-level", "ERROR"]
    for parameter, value in params.items():
        args += ["-p", parameter, str(value)]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, f"{name} {key}: {done.stderr[-3000:]}"
    return out / f"{name}.ipynb", out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every notebook run for every parameter set, two at a time (2 cores)."""
    if not (SYNTHETIC / "903").is_dir():
        pytest.skip("data/synthetic is not generated yet (cpanalytics synth)")
    base = tmp_path_factory.mktemp("notebooks")
    jobs = [(name, key) for key in RUNS for name in GENERATED]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: _run(*job, base), jobs))
    return dict(zip(jobs, results, strict=True))


@pytest.fixture(scope="module")
def synthetic():
    if not (SYNTHETIC / "903").is_dir():
        pytest.skip("data/synthetic is not generated yet (cpanalytics synth)")
    return nb.load(SYNTHETIC)


def _same(a: float | None, b: float) -> bool:
    if a is None:
        return b is None or (isinstance(b, float) and math.isnan(b))
    return math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.e2e
@pytest.mark.parametrize("key", list(RUNS))
@pytest.mark.parametrize("name", REPORT)
def test_headline_json_equals_the_indicators(executed, synthetic, name, key):
    from cpanalytics.measures.indicators import compute

    _, out = executed[(name, key)]
    payload = json.loads((out / f"{name}.json").read_text())
    kpis = {k["id"]: k for k in payload["kpis"]}
    as_at = nb.as_at_date(RUNS[key]["year"], RUNS[key].get("as_at"))
    for ind_id in CHECKED[name]:
        direct = compute(ind_id, synthetic, as_at)
        record = kpis[ind_id]
        assert record["as_at"] == as_at.date().isoformat()
        if ind_id == "UA-02":  # a table: the headline is its total (sum of count)
            assert record["value"] == float(direct["count"].sum())
            continue
        row = direct.iloc[0]
        assert _same(record["value"], row["value"]), (ind_id, record, row.to_dict())
        assert _same(record["numerator"], row["numerator"])
        assert _same(record["denominator"], row["denominator"])
        assert record["display"] == tables.display_result(direct)["value"].iloc[0]


@pytest.mark.e2e
@pytest.mark.parametrize("key", list(RUNS))
def test_headline_sentence_carries_the_indicator_value(executed, synthetic, key):
    from cpanalytics.measures.indicators import compute

    path, _ = executed[("placement_stability", key)]
    as_at = nb.as_at_date(RUNS[key]["year"], RUNS[key].get("as_at"))
    value = compute("PS-01", synthetic, as_at)["value"].iloc[0]
    text = _cell_text(nbformat.read(path, as_version=4), "txt-ps-headline")
    assert text.startswith(f"- {value:.1f}% of children in care had three or more placements")


@pytest.mark.e2e
@pytest.mark.parametrize("key", list(RUNS))
@pytest.mark.parametrize("name", REPORT)
def test_every_contract_output_is_produced(executed, name, key):
    path, out = executed[(name, key)]
    notebook = nbformat.read(path, as_version=4)
    for label in [lb for n, lb in contract() if n == name]:
        cell = next(c for c in notebook.cells if options(c.source).get("label") == label)
        kinds = [o.output_type for o in cell.outputs]
        assert "error" not in kinds and kinds.count("display_data") >= 1, label
        if label.startswith("tbl-") and "Not available" not in _cell_text(notebook, label):
            assert (out / "tables" / f"{label}.csv").is_file()


@pytest.mark.e2e
def test_no_child_level_data_in_any_output(executed, synthetic):
    children = set()
    postcodes = set()
    dobs = set()
    for frame in [*synthetic.tables.values(), *synthetic.local.values()]:
        if "CHILD" in frame:
            children |= set(frame["CHILD"].dropna().astype(str))
        for column in ("HOME_POST", "PL_POST"):
            if column in frame:
                postcodes |= set(frame[column].dropna().astype(str).str.replace(" ", "").str.upper())
        for column in ("DOB", "MC_DOB"):
            if column in frame:
                dobs |= set(pd.to_datetime(frame[column]).dropna().dt.date)
    # Period boundaries (first and last days of months) are dates the reports must print.
    dobs = {d for d in dobs if d.day != 1 and (pd.Timestamp(d) + pd.offsets.Day(1)).day != 1}
    texts = {}
    for path, out in executed.values():
        texts[str(path)] = _all_output_text(nbformat.read(path, as_version=4))
        for extra in [*out.glob("*.json"), *out.glob("tables/*.csv")]:
            texts[str(extra)] = extra.read_text()
    leaks = []
    for where, text in texts.items():
        tokens = set(re.findall(r"[A-Za-z0-9]+", text))
        leaks += [(where, "CHILD") for _ in tokens & children]
        squashed = re.findall(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", text)
        leaks += [(where, "postcode") for p in squashed if p.replace(" ", "") in postcodes]
        for day, month, year in re.findall(r"\b(\d{2})/(\d{2})/(\d{4})\b", text):
            if _date(year, month, day) in dobs:
                leaks.append((where, "DOB dd/mm/YYYY"))
        for year, month, day in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
            if _date(year, month, day) in dobs:
                leaks.append((where, "DOB ISO"))
    assert children and dobs and postcodes  # the scan looked for something
    assert leaks == []


def _date(year: str, month: str, day: str):
    try:
        return pd.Timestamp(int(year), int(month), int(day)).date()
    except ValueError:
        return None


def _all_output_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(v) for v in output.get("data", {}).values()]
            parts += output.get("traceback", [])
    return "\n".join(parts)


def _cell_text(notebook: nbformat.NotebookNode, label: str) -> str:
    cell = next(c for c in notebook.cells if options(c.source).get("label") == label)
    return "\n".join(o.get("data", {}).get("text/markdown", "") for o in cell.outputs)


def test_publish_table_writes_the_csv_and_refuses_child_columns(tmp_path, capsys):
    frame = pd.DataFrame({"Reason": ["Adopted", "Total"], "Number": ["[c]", "96"]})
    nb.publish_table("tbl-x", frame, tmp_path)
    assert (tmp_path / "tables" / "tbl-x.csv").read_text() == "Reason,Number\nAdopted,[c]\nTotal,96\n"
    with pytest.raises(ValueError, match="CHILD"):
        nb.publish_table("tbl-y", pd.DataFrame({"CHILD": ["000123456"]}), tmp_path)


def test_kpi_and_table_records(tmp_path):
    date = pd.Timestamp("2018-08-31")
    ps01 = pd.DataFrame([{"indicator": "PS-01", "date": date, "numerator": 169,
                          "denominator": 1579, "value": 100 * 169 / 1579, "available": True}])
    record = nb.kpi_record(ps01)
    assert record == {"id": "PS-01", "as_at": "2018-08-31", "numerator": 169.0,
                      "denominator": 1579.0, "value": 100 * 169 / 1579, "display": "10.7%"}
    arrivals = pd.DataFrame({"indicator": "UA-02", "date": date, "count": [1, 2, 1],
                             "available": True})
    # 1 + 2 + 1 = 4 arrivals: below 5, so the display is [c] while the value is kept.
    assert nb.table_record(arrivals) == {"id": "UA-02", "as_at": "2018-08-31",
                                         "numerator": 4.0, "denominator": None, "value": 4.0,
                                         "display": "[c]"}
    nb.write_headlines("placement_stability", [record], tmp_path)
    saved = json.loads((tmp_path / "placement_stability.json").read_text())
    assert saved == {"notebook": "placement_stability", "kpis": [record]}


def test_about_text_gives_period_definitions_and_source(capsys):
    from IPython.display import Markdown

    shown = []
    original = nb.display
    nb.display = shown.append
    try:
        nb.about(["PS-01", "IR-08"], pd.Timestamp("2019-07-31"))
    finally:
        nb.display = original
    text = shown[0].data if isinstance(shown[0], Markdown) else str(shown[0])
    # Plain English for elected members (issue 15): each measure's plain definition and
    # which way is better; the source by name, not file.
    assert text.startswith("**Period.** Figures are for 31 July 2019, or for the period ending")
    assert "(the financial year 2019-20 runs from 1 April to 31 March)" in text
    assert ("- **Children in care with 3 or more placements in the last 12 months** (PS-01, "
            "on 31 July 2019). The share of children in care") in text
    assert "Lower is better." in text
    assert "(IR-08, 1 August 2018 to 31 July 2019)" in text  # IR-08 is rolling 12 months
    assert text.endswith("Source: SSDA903 (the council's statutory return to the DfE on children "
                         "looked after) and the council's own care plan quality assurance "
                         "records.")


def test_publish_measures_shows_the_note_when_nothing_is_available(tmp_path):
    from IPython.display import Markdown

    note = "Not available: needs local/health_assessments.csv"
    missing = [pd.DataFrame([{"indicator": i, "date": pd.Timestamp("2019-03-31"),
                              "numerator": None, "denominator": None, "value": None,
                              "available": False, "note": note}]) for i in ("HE-04", "HE-05")]
    shown = []
    original = nb.display
    nb.display = shown.append
    try:
        nb.publish_measures("tbl-he-rha-dental", missing, tmp_path)
    finally:
        nb.display = original
    assert [m.data for m in shown if isinstance(m, Markdown)] == [
        "*Not available: this figure needs the council's health assessment records, which were "
        "not supplied.*"]
    assert not (tmp_path / "tables" / "tbl-he-rha-dental.csv").exists()


def test_notebook_without_a_data_folder_says_how_to_give_one(monkeypatch) -> None:
    from cpanalytics.errors import UserError
    from cpanalytics.runtime import notebook as nb

    monkeypatch.delenv("CPANALYTICS_DATA", raising=False)
    with pytest.raises(UserError) as err:
        nb.load(None)
    assert err.value.code == "E121" and "CPANALYTICS_DATA" in err.value.fix
    monkeypatch.setenv("CPANALYTICS_DATA", str(SYNTHETIC))
    assert nb.data_folder(None) == SYNTHETIC
